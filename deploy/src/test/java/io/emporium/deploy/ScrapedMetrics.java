package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One scrape of a Prometheus {@code /metrics} page, read as Prometheus reads it: samples with
 * labels.
 */
final class ScrapedMetrics {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private ScrapedMetrics(List<Sample> samples) {
    this.samples = samples;
  }

  static ScrapedMetrics parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      assertThat(m.matches()).as("a Prometheus sample line: " + line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new ScrapedMetrics(samples);
  }

  /** Scrapes the edge's {@code /metrics}. */
  static ScrapedMetrics of(Api api) {
    Api.Response r = api.get("/metrics");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return parse(r.body() == null ? "" : r.body().toString());
  }

  /**
   * The sum over the series of {@code name} whose labels include {@code labels} (0 when there is
   * none).
   */
  double value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  double value(String name) {
    return value(name, Map.of());
  }

  /**
   * Every sample name on the page ({@code _bucket}, {@code _count}, {@code _sum} included, as
   * Prometheus stores them).
   */
  Set<String> names() {
    return samples.stream().map(Sample::name).collect(Collectors.toSet());
  }

  /** Every sample on the page. */
  List<Sample> samples() {
    return samples;
  }

  /** The label sets of the series of {@code name}. */
  List<Map<String, String>> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).map(Sample::labels).toList();
  }
}
