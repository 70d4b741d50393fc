package io.emporium.deploy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * JSON values the document's schemas accept, generated with jqwik: every keyword the request
 * schemas use ({@code type}, {@code enum}, {@code format}, lengths, bounds, {@code pattern}, {@code
 * required}, {@code oneOf}, items and maps). Ids are the walk's own where the field name says which
 * kind, so a request is refused for its content, not its ids.
 */
final class DescribedBodies {
  /**
   * A pattern of character classes and literals with counts: {@code ^[a-z_]{1,40}\.[a-z_]{1,40}$}.
   */
  private static final Pattern PIECE =
      Pattern.compile("\\[([^\\]]+)]\\{(\\d+)(?:,(\\d+))?}|\\\\?(.)(\\?)?");

  private static final int MAX_TEXT = 40;

  private final JsonObject document;
  private final Map<String, String> ids;

  DescribedBodies(JsonObject document, Map<String, String> ids) {
    this.document = document;
    this.ids = ids;
  }

  Arbitrary<Object> of(JsonObject schema, String name) {
    JsonObject s = resolve(schema);
    if (s.containsKey("oneOf")) {
      List<Arbitrary<Object>> members = new ArrayList<>();
      s.getJsonArray("oneOf").forEach(m -> members.add(of(merged(s, (JsonObject) m), name)));
      return Arbitraries.oneOf(members);
    }
    if (s.containsKey("enum")) {
      return Arbitraries.of(s.getJsonArray("enum").getList()).map(v -> (Object) v);
    }
    Object type = s.getValue("type");
    String t =
        type instanceof JsonArray types
            ? types.getString(0)
            : type instanceof String one ? one : s.containsKey("properties") ? "object" : "string";
    return switch (t) {
      case "object" -> object(s);
      case "array" -> {
        int min = s.getInteger("minItems", 0);
        int max = s.getInteger("maxItems", Math.max(min, 3));
        yield of(s.getJsonObject("items", new JsonObject()), name)
            .list()
            .ofMinSize(min)
            .ofMaxSize(Math.min(max, min + 3))
            .map(values -> (Object) new JsonArray(new ArrayList<>(values)));
      }
      case "integer" -> {
        long min =
            s.getLong(
                "minimum",
                "int32".equals(s.getString("format")) ? Integer.MIN_VALUE : -1_000_000_000L);
        long max =
            s.getLong(
                "maximum",
                "int32".equals(s.getString("format")) ? Integer.MAX_VALUE : 1_000_000_000L);
        yield Arbitraries.longs()
            .between(min, max)
            .edgeCases(c -> c.includeOnly(min, max))
            .map(v -> (Object) v);
      }
      case "number" ->
          Arbitraries.doubles()
              .between(s.getDouble("minimum", -1e6), s.getDouble("maximum", 1e6))
              .map(v -> (Object) v);
      case "boolean" -> Arbitraries.of(true, false).map(v -> (Object) v);
      default -> text(s, name);
    };
  }

  private Arbitrary<Object> object(JsonObject s) {
    JsonObject properties = s.getJsonObject("properties", new JsonObject());
    List<String> required =
        s.getJsonArray("required", new JsonArray()).stream().map(Object::toString).toList();
    Arbitrary<JsonObject> body = Arbitraries.just(new JsonObject()).map(JsonObject::copy);
    for (String field : properties.fieldNames()) {
      Arbitrary<Object> value = of(properties.getJsonObject(field), field);
      Arbitrary<Object> maybe = required.contains(field) ? value : value.injectNull(0.5);
      body = body.flatMap(b -> maybe.map(v -> v == null ? b : b.copy().put(field, v)));
    }
    if (properties.isEmpty() && s.getValue("additionalProperties") instanceof JsonObject values) {
      Arbitrary<String> keys = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
      return Arbitraries.maps(keys, of(values, "value"))
          .ofMaxSize(3)
          .map(m -> (Object) new JsonObject(new java.util.HashMap<>(m)));
    }
    return body.map(b -> (Object) b);
  }

  private Arbitrary<Object> text(JsonObject s, String name) {
    String format = s.getString("format", "");
    if (format.equals("uuid")) {
      String known = ids.get(idKind(name));
      return known != null
          ? Arbitraries.of(known, UUID.randomUUID().toString()).map(v -> (Object) v)
          : Arbitraries.create(() -> (Object) UUID.randomUUID().toString());
    }
    if (format.equals("email")) {
      return Arbitraries.strings()
          .withCharRange('a', 'z')
          .ofMinLength(1)
          .ofMaxLength(12)
          .map(
              local ->
                  (Object)
                      (local
                          + "-"
                          + UUID.randomUUID().toString().substring(0, 6)
                          + "@example.com"));
    }
    if (format.equals("uri") || format.equals("uri-template")) {
      return Arbitraries.strings()
          .withCharRange('a', 'z')
          .ofMaxLength(20)
          .map(p -> (Object) ("https://shop.example/" + p));
    }
    if (format.equals("date-time")) {
      return Arbitraries.integers()
          .between(-400, 400)
          .map(
              days ->
                  (Object)
                      Instant.now()
                          .plus(days, ChronoUnit.DAYS)
                          .truncatedTo(ChronoUnit.SECONDS)
                          .toString());
    }
    int min = s.getInteger("minLength", 0);
    int max = Math.max(min, Math.min(s.getInteger("maxLength", MAX_TEXT), MAX_TEXT));
    if (s.containsKey("pattern")) {
      // a schema's lengths hold as well as its pattern
      return matching(s.getString("pattern"))
          .filter(v -> ((String) v).length() >= min && ((String) v).length() <= max);
    }
    // the document says text is trimmed, a blank one counting as empty
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .withChars(' ', '-', '\'', 'é', 'ß', '茶')
        .ofMinLength(min)
        .ofMaxLength(max)
        .filter(v -> v.equals(v.strip()))
        .map(v -> (Object) v);
  }

  /** Strings a pattern of character classes, counts and literals matches. */
  private static Arbitrary<Object> matching(String pattern) {
    Matcher m = PIECE.matcher(pattern.replaceAll("^\\^|\\$$", ""));
    Arbitrary<String> out = Arbitraries.just("");
    while (m.find()) {
      Arbitrary<String> piece;
      if (m.group(1) != null) {
        char[] chars = chars(m.group(1));
        int min = Integer.parseInt(m.group(2));
        int max = m.group(3) == null ? min : Integer.parseInt(m.group(3));
        piece = Arbitraries.strings().withChars(chars).ofMinLength(min).ofMaxLength(max);
      } else {
        piece = m.group(5) == null ? Arbitraries.just(m.group(4)) : Arbitraries.of("", m.group(4));
      }
      Arbitrary<String> before = out;
      out = before.flatMap(b -> piece.map(p -> b + p));
    }
    return out.filter(v -> v.equals(v.strip())).map(v -> (Object) v);
  }

  private static char[] chars(String set) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < set.length(); i++) {
      if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
        for (char c = set.charAt(i); c <= set.charAt(i + 2); c++) {
          out.append(c);
        }
        i += 2;
      } else {
        out.append(set.charAt(i));
      }
    }
    return out.toString().toCharArray();
  }

  private static String idKind(String field) {
    return switch (field) {
      case "productId" -> "product";
      case "categoryId", "parentId" -> "category";
      case "addressId" -> "address";
      case "orderId" -> "order";
      default -> field;
    };
  }

  /**
   * The parent schema with one member of its {@code oneOf} folded in: properties and required
   * fields add up.
   */
  private JsonObject merged(JsonObject parent, JsonObject member) {
    JsonObject out = parent.copy();
    out.remove("oneOf");
    JsonObject m = resolve(member);
    m.forEach(
        e -> {
          if (e.getKey().equals("properties")) {
            out.put(
                "properties",
                out.getJsonObject("properties", new JsonObject())
                    .copy()
                    .mergeIn((JsonObject) e.getValue()));
          } else if (e.getKey().equals("required")) {
            JsonArray all = out.getJsonArray("required", new JsonArray()).copy();
            ((JsonArray) e.getValue())
                .forEach(
                    f -> {
                      if (!all.contains(f)) {
                        all.add(f);
                      }
                    });
            out.put("required", all);
          } else {
            out.put(e.getKey(), e.getValue());
          }
        });
    return out;
  }

  /** The schema a {@code $ref} points to, followed to the end. */
  JsonObject resolve(JsonObject schema) {
    JsonObject s = schema;
    while (s.containsKey("$ref")) {
      Object here = document;
      for (String token : s.getString("$ref").substring(2).split("/")) {
        here = ((JsonObject) here).getValue(token.replace("~1", "/").replace("~0", "~"));
      }
      s = (JsonObject) here;
    }
    return s;
  }
}
