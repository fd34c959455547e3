/**
 * The economy's components: the ledger of players and gold, the shop, the leaderboard.
 */
package example.webapp.economy;
