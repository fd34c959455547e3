package example.webapp.economy;

import java.lang.annotation.Annotation;

/** Ledgers for tests, configured as DS would configure them. */
final class Ledgers {

    private Ledgers() {
    }

    static PlayerLedger withPlayers(long startingGold, String... seeds) {
        return new PlayerLedger(new PlayerLedger.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return PlayerLedger.Config.class;
            }

            @Override
            public long startingGold() {
                return startingGold;
            }

            @Override
            public String[] seedPlayers() {
                return seeds;
            }
        });
    }
}
