package io.emporium.stripe.emulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stripe's form encoding read into JSON: {@code line_items[0][price_data][unit_amount]=1500}
 * becomes nested objects and arrays, {@code expand[]=x} appends, and every leaf stays the string it
 * was sent as.
 */
public final class StripeForm {
  private StripeForm() {}

  /** Decodes a form body or query string; a malformed name fails as Stripe's 400. */
  public static JsonObject decode(String form) {
    Map<String, Object> root = new LinkedHashMap<>();
    if (form == null || form.isEmpty()) {
      return new JsonObject();
    }
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decodeComponent(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decodeComponent(pair.substring(eq + 1));
      put(root, name, path(name), value);
    }
    return (JsonObject) toJson(root);
  }

  /** {@code a[b][]} as {@code [a, b, ""]}. */
  static List<String> path(String name) {
    int open = name.indexOf('[');
    List<String> segments = new ArrayList<>();
    segments.add(open < 0 ? name : name.substring(0, open));
    if (segments.get(0).isEmpty()) {
      throw malformed(name);
    }
    int i = open;
    while (i >= 0 && i < name.length()) {
      if (name.charAt(i) != '[') {
        throw malformed(name);
      }
      int close = name.indexOf(']', i);
      if (close < 0) {
        throw malformed(name);
      }
      segments.add(name.substring(i + 1, close));
      i = close + 1;
    }
    return segments;
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, String name, List<String> path, String value) {
    Map<String, Object> node = root;
    for (int i = 0; i < path.size(); i++) {
      String segment = path.get(i).isEmpty() ? Integer.toString(node.size()) : path.get(i);
      boolean last = i == path.size() - 1;
      Object existing = node.get(segment);
      if (last) {
        if (existing != null) {
          throw StripeApiError.invalidRequest(
              "Received a parameter more than once: " + name, name, "parameter_unknown");
        }
        node.put(segment, value);
      } else if (existing == null) {
        Map<String, Object> child = new LinkedHashMap<>();
        node.put(segment, child);
        node = child;
      } else if (existing instanceof Map<?, ?> child) {
        node = (Map<String, Object>) child;
      } else {
        throw StripeApiError.invalidRequest(
            "Invalid object: " + name + " cannot hold both a value and fields",
            name,
            "parameter_invalid_string");
      }
    }
  }

  /** Maps whose keys are all indexes become arrays, in index order. */
  @SuppressWarnings("unchecked")
  private static Object toJson(Object node) {
    if (!(node instanceof Map<?, ?> map)) {
      return node;
    }
    if (!map.isEmpty() && map.keySet().stream().allMatch(k -> ((String) k).matches("\\d{1,6}"))) {
      JsonArray array = new JsonArray();
      map.entrySet().stream()
          .sorted(
              (a, b) ->
                  Integer.compare(
                      Integer.parseInt((String) a.getKey()), Integer.parseInt((String) b.getKey())))
          .forEach(e -> array.add(toJson(e.getValue())));
      return array;
    }
    JsonObject object = new JsonObject();
    ((Map<String, Object>) map).forEach((k, v) -> object.put(k, toJson(v)));
    return object;
  }

  private static String decodeComponent(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw StripeApiError.invalidRequest("Invalid URL encoding: " + raw, null, null);
    }
  }

  private static StripeApiError malformed(String name) {
    return StripeApiError.invalidRequest(
        "Invalid parameter name: " + name, name, "parameter_unknown");
  }
}
