package io.emporium.edge.http.admin;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The {@code from}/{@code to} window of an admin report, in UTC: [from, to). Each is an RFC 3339
 * instant or a date; a date {@code from} starts at its midnight, a date {@code to} includes its
 * whole day. Default: the last 30 days.
 */
public record ReportWindow(OffsetDateTime from, OffsetDateTime to) {
  public static final Duration DEFAULT_SPAN = Duration.ofDays(30);
  public static final Duration MAX_SPAN = Duration.ofDays(366);

  /**
   * The window the query asks for; 422 naming {@code from} or {@code to} when unreadable, reversed
   * or too long.
   */
  public static ReportWindow of(MultiMap params, Clock clock) {
    OffsetDateTime from = bound(params, "from", false);
    OffsetDateTime to = bound(params, "to", true);
    if (to == null) {
      to =
          OffsetDateTime.now(clock)
              .withOffsetSameInstant(ZoneOffset.UTC)
              .truncatedTo(ChronoUnit.MICROS);
    }
    if (from == null) {
      from = to.minus(DEFAULT_SPAN);
    }
    if (from.isAfter(to)) {
      throw ApiProblem.invalid("from", "must not be after to");
    }
    if (Duration.between(from, to).compareTo(MAX_SPAN) > 0) {
      throw ApiProblem.invalid("to", "must be at most " + MAX_SPAN.toDays() + " days after from");
    }
    return new ReportWindow(from, to);
  }

  /**
   * One bound read the way report windows read theirs: null when absent, 422 naming it when
   * unreadable.
   */
  static OffsetDateTime bound(MultiMap params, String name, boolean endOfDay) {
    if (params.getAll(name).size() > 1) {
      throw ApiProblem.invalid(name, "must be given once");
    }
    String raw = params.get(name);
    if (raw == null) {
      return null;
    }
    try {
      if (raw.length() == 10) {
        LocalDate day = LocalDate.parse(raw, DateTimeFormatter.ISO_LOCAL_DATE);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      // microseconds: what PostgreSQL keeps
      return OffsetDateTime.parse(raw, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .withOffsetSameInstant(ZoneOffset.UTC)
          .truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeException e) {
      throw ApiProblem.invalid(
          name, "must be an RFC 3339 instant (2026-01-31T00:00:00Z) or a date (2026-01-31), UTC");
    }
  }

  /** The first UTC day of the window. */
  public LocalDate firstDay() {
    return from.toLocalDate();
  }

  /** The last UTC day the window touches (its first day when it is empty). */
  public LocalDate lastDay() {
    return to.isAfter(from) ? to.minus(1, ChronoUnit.MICROS).toLocalDate() : from.toLocalDate();
  }
}
