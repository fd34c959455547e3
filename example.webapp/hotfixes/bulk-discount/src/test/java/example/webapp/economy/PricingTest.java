package example.webapp.economy;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class PricingTest {

    @Test
    public void fewUnitsPayFullPrice() {
        assertEquals(225, Pricing.withBulkDiscount(225, 9));
    }

    @Test
    public void tenUnitsOrMoreGetTenPercentOff() {
        assertEquals(225, Pricing.withBulkDiscount(250, 10));
        assertEquals(1350, Pricing.withBulkDiscount(1500, 100));
    }
}
