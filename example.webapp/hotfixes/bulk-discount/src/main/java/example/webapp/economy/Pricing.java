package example.webapp.economy;

/**
 * What a purchase costs: the price of the units, less the bulk discount.
 */
final class Pricing {

    /** From this many units of one item, the bulk discount applies. */
    static final int BULK_QUANTITY = 10;

    /** The bulk discount, in percent of the price. */
    static final int BULK_DISCOUNT_PERCENT = 10;

    private Pricing() {
    }

    /**
     * @param cost     the price of the units
     * @param quantity how many units
     * @return what the buyer pays
     */
    static long withBulkDiscount(long cost, int quantity) {
        if (quantity < BULK_QUANTITY) {
            return cost;
        }
        return cost * (100 - BULK_DISCOUNT_PERCENT) / 100;
    }
}
