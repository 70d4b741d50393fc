package io.emporium.edge.http;

import io.emporium.common.problem.ApiProblem;
import io.emporium.common.problem.ApiProblem.FieldError;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads the fields of a JSON body, collecting every problem so one 422 can name them all. */
public final class Fields {
  private final JsonObject body;
  private final List<FieldError> errors = new ArrayList<>();

  public Fields(JsonObject body) {
    this.body = body;
  }

  public String required(String name, int maxLength) {
    String value = optional(name, maxLength);
    if (value == null && !has(name)) {
      error(name, "is required");
    }
    return value;
  }

  /** A trimmed string, or null when absent; blank counts as missing when required. */
  public String optional(String name, int maxLength) {
    if (!body.containsKey(name) || body.getValue(name) == null) {
      return null;
    }
    if (!(body.getValue(name) instanceof String raw)) {
      error(name, "must be a string");
      return null;
    }
    String value = raw.strip();
    if (value.isEmpty()) {
      error(name, "must not be empty");
      return null;
    }
    if (value.length() > maxLength) {
      error(name, "must be at most " + maxLength + " characters");
      return null;
    }
    return value;
  }

  /** The raw string (not trimmed), for secrets like passwords. */
  public String secret(String name) {
    Object v = body.getValue(name);
    if (v == null) {
      error(name, "is required");
      return null;
    }
    if (!(v instanceof String s)) {
      error(name, "must be a string");
      return null;
    }
    return s;
  }

  public String oneOf(String name, Set<String> allowed, String fallback) {
    String value = optional(name, 64);
    if (value == null) {
      return has(name) ? null : fallback;
    }
    if (!allowed.contains(value)) {
      error(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
      return null;
    }
    return value;
  }

  /**
   * A whole number in range; fractions, strings and out-of-range values are errors. Null when
   * absent.
   */
  public Integer integer(String name, int min, int max) {
    Long value = wholeNumber(name, min, max);
    return value == null ? null : value.intValue();
  }

  /** A whole number in range, as a long (money in minor units). Null when absent. */
  public Long wholeNumber(String name, long min, long max) {
    return wholeNumber(name, body.getValue(name), min, max);
  }

  /** The same check for a value found elsewhere in the body, reported under {@code name}. */
  public Long wholeNumber(String name, Object v, long min, long max) {
    if (v == null) {
      return null;
    }
    boolean whole =
        v instanceof Integer
            || v instanceof Long
            || (v instanceof Number n
                && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 9.0e15);
    if (!whole || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      error(name, "must be a whole number from " + min + " to " + max);
      return null;
    }
    return ((Number) v).longValue();
  }

  public Boolean optionalBoolean(String name) {
    Object v = body.getValue(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Boolean b)) {
      error(name, "must be true or false");
      return null;
    }
    return b;
  }

  /** A field the caller may not set here. */
  public void forbid(String name, String message) {
    if (body.containsKey(name)) {
      error(name, message);
    }
  }

  public boolean has(String name) {
    return body.containsKey(name) && body.getValue(name) != null;
  }

  public void error(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  public void check(String field, boolean ok, String message) {
    if (!ok) {
      error(field, message);
    }
  }

  public boolean hasError(String field) {
    return errors.stream().anyMatch(e -> e.field().equals(field));
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  /** Throws the 422 naming every collected problem, if any. */
  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ApiProblem.invalid(errors);
    }
  }
}
