package io.emporium.edge.http.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReportWindowTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-11-30T03:35:00Z"), ZoneOffset.UTC);

  private static ReportWindow window(String... nameValues) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < nameValues.length; i += 2) {
      params.add(nameValues[i], nameValues[i + 1]);
    }
    return ReportWindow.of(params, NOW);
  }

  private static String refusedField(String... nameValues) {
    try {
      window(nameValues);
    } catch (ApiProblem p) {
      assertThat(p.status()).isEqualTo(422);
      return p.errors().get(0).field();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void theDefaultIsTheLastThirtyDaysUpToNow() {
    ReportWindow w = window();
    assertThat(w.to().toInstant()).isEqualTo(Instant.parse("2026-11-30T03:35:00Z"));
    assertThat(w.from().toInstant()).isEqualTo(Instant.parse("2026-10-31T03:35:00Z"));
  }

  @Test
  void aDateToIncludesItsWholeDayAndInstantsKeepTheirOffsetInUtc() {
    ReportWindow w = window("from", "2026-01-01", "to", "2026-01-31");
    assertThat(w.from().toInstant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(w.to().toInstant()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    assertThat(w.lastDay()).isEqualTo(LocalDate.parse("2026-01-31"));
    ReportWindow i = window("from", "2026-01-01T02:00:00+02:00", "to", "2026-01-02T00:00:00Z");
    assertThat(i.from().toInstant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(i.firstDay()).isEqualTo(LocalDate.parse("2026-01-01"));
    assertThat(i.lastDay()).isEqualTo(LocalDate.parse("2026-01-01"));
  }

  @Test
  void unreadableReversedOrTooLongWindowsNameTheField() {
    assertThat(refusedField("from", "last week")).isEqualTo("from");
    assertThat(refusedField("to", "2026-02-30")).isEqualTo("to");
    assertThat(refusedField("to", "2026-01-01T00:00:00"))
        .as("an instant needs its offset")
        .isEqualTo("to");
    assertThat(refusedField("from", "2026-01-02", "to", "2026-01-01T12:00:00Z")).isEqualTo("from");
    assertThat(refusedField("from", "2025-01-01", "to", "2026-01-02")).isEqualTo("to");
    assertThat(refusedField("from", "2026-01-01", "from", "2026-01-02")).isEqualTo("from");
    assertThat(window("from", "2025-01-01", "to", "2026-01-01").to())
        .as("366 days is allowed")
        .isNotNull();
  }

  @Test
  void csvFieldsAreQuotedOnlyWhenTheyMustBe() {
    assertThat(AdminReportRoutes.field("2026-01-01")).isEqualTo("2026-01-01");
    assertThat(AdminReportRoutes.field("Bowl, walnut")).isEqualTo("\"Bowl, walnut\"");
    assertThat(AdminReportRoutes.field("12\" plate")).isEqualTo("\"12\"\" plate\"");
    assertThat(AdminReportRoutes.field("two\r\nlines")).isEqualTo("\"two\r\nlines\"");
  }
}
