package io.emporium.common.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of environment-style settings; every failure names the variable. */
final class Settings {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

  private final Map<String, String> values;

  Settings(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses a {@code .env}-style file: {@code KEY=VALUE} lines, {@code #} comments, optional quotes.
   */
  static Map<String, String> readEnvFile(Path file) {
    Map<String, String> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int eq = trimmed.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(
              "config file " + file + ": expected KEY=VALUE, got '" + trimmed + "'");
        }
        String value = trimmed.substring(eq + 1).strip();
        if (value.length() >= 2
            && ((value.startsWith("\"") && value.endsWith("\""))
                || (value.startsWith("'") && value.endsWith("'")))) {
          value = value.substring(1, value.length() - 1);
        }
        out.put(trimmed.substring(0, eq).strip(), value);
      }
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
    return out;
  }

  /** The names of every setting given. */
  Set<String> names() {
    return values.keySet();
  }

  String optional(String name, String fallback) {
    String v = values.get(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  String required(String name) {
    String v = optional(name, null);
    if (v == null) {
      throw new ConfigException(name + " is required");
    }
    return v;
  }

  int port(String name, int fallback) {
    String v = optional(name, null);
    return v == null ? fallback : parsePort(name, v);
  }

  static int parsePort(String name, String v) {
    try {
      int p = Integer.parseInt(v);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(name + " must be a port number 0-65535, got '" + v + "'");
  }

  int integer(String name, int fallback, int min, int max) {
    String v = optional(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      int i = Integer.parseInt(v);
      if (i >= min && i <= max) {
        return i;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(
        name + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
  }

  boolean bool(String name, boolean fallback) {
    String v = optional(name, null);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
    };
  }

  /**
   * A duration: plain seconds ({@code 900}) or with a unit ({@code 250ms}, {@code 15m}, {@code 2h},
   * {@code 30d}).
   */
  Duration duration(String name, Duration fallback) {
    String v = optional(name, null);
    return v == null ? fallback : parseDuration(name, v);
  }

  /**
   * A duration written as a setting takes it: {@code 250ms}, {@code 15s}, {@code 2m}, {@code 1h}.
   */
  static String describe(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  private static Duration parseDuration(String name, String v) {
    Matcher m = DURATION.matcher(v);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new ConfigException(
          name + " must be a positive duration like 900, 15m, 2h or 30d, got '" + v + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /**
   * A rate limit {@code <requests>/<window>}: {@code 120/1m}, {@code 10/30s}; the window in whole
   * seconds up to a day.
   */
  EmporiumConfig.RateLimit rateLimit(String name, String fallback) {
    String v = optional(name, fallback);
    int slash = v.indexOf('/');
    if (slash > 0) {
      try {
        int requests = Integer.parseInt(v.substring(0, slash).strip());
        Duration window = parseDuration(name, v.substring(slash + 1).strip());
        if (requests >= 1
            && requests <= 1_000_000
            && window.toMillis() % 1000 == 0
            && window.compareTo(Duration.ofDays(1)) <= 0) {
          return new EmporiumConfig.RateLimit(requests, window);
        }
      } catch (NumberFormatException | ConfigException ignored) {
        // reported below
      }
    }
    throw new ConfigException(
        name
            + " must be <requests>/<window> like 120/1m: 1 to 1000000 requests in 1s to 1d"
            + " (whole seconds), got '"
            + v
            + "'");
  }

  /** A URL whose scheme starts with {@code scheme}; required when {@code fallback} is null. */
  String url(String name, String scheme, String fallback) {
    String v = fallback == null ? required(name) : optional(name, fallback);
    try {
      URI uri = URI.create(v);
      if (uri.getScheme() != null && uri.getScheme().startsWith(scheme) && uri.getHost() != null) {
        return v;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    throw new ConfigException(name + " must be a " + scheme + ":// URL, got '" + v + "'");
  }

  Set<String> list(String name) {
    String v = optional(name, "");
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
    return Set.copyOf(out);
  }
}
