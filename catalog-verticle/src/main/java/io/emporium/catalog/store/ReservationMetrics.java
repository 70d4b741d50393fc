package io.emporium.catalog.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stock reservations by outcome, counted as their transactions commit (a refusal as it is decided),
 * and the units held now, recounted from the catalog schema on a timer so a scrape never queries.
 */
public final class ReservationMetrics {
  public static final String HELD = "held";
  public static final String REFUSED = "refused";
  public static final String EXPIRED = "expired";

  /**
   * Where a held reservation ends: sold, given back before payment, or put back on sale after a
   * refund.
   */
  public static final List<String> SETTLED = List.of("committed", "released", "returned");

  private final MeterRegistry registry;
  private final AtomicLong unitsHeld = new AtomicLong();

  public ReservationMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String outcome : List.of(HELD, REFUSED, EXPIRED)) {
      outcome(outcome);
    }
    SETTLED.forEach(this::outcome);
    Gauge.builder("emporium.stock.reserved.units", unitsHeld, AtomicLong::get)
        .strongReference(true)
        .description("Units held by reservations now, as last counted in the catalog schema")
        .register(registry);
  }

  /**
   * {@code reservations} reservations reached {@code outcome}, counted once the transaction
   * commits.
   */
  public void reached(SqlConnection tx, String outcome, int reservations) {
    tx.transaction().completion().onSuccess(v -> outcome(outcome).increment(reservations));
  }

  /** A reservation refused for lack of stock (its transaction rolls back: nothing was held). */
  public void refused() {
    outcome(REFUSED).increment();
  }

  public void recount(long units) {
    unitsHeld.set(units);
  }

  private Counter outcome(String outcome) {
    return Counter.builder("emporium.stock.reservations")
        .tag("outcome", outcome)
        .description(
            "Stock reservations by outcome: held, refused (not enough stock), committed, released, expired, returned")
        .register(registry);
  }
}
