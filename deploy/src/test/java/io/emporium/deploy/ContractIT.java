package io.emporium.deploy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The contract walk: every operation of the served OpenAPI document is sent malformed and hostile
 * input (no body, an empty body, {@code {}}, a wrong JSON type, NUL or 10 000 characters in each
 * field and parameter, an unknown query parameter) as each role, then random values in every field.
 * No answer may be a 5xx, every error is a problem document, and every answer is one the document
 * describes. A failure names the exact request.
 */
class ContractIT {
  private static final List<String> ROLES = List.of("anonymous", "customer", "seller", "admin");
  private static final String NUL = "tea\u0000pot";

  /**
   * Where an operation names the fields it checks beyond their schemas (a password's strength, an
   * unknown id).
   */
  static final String RULES = "x-rules-beyond-schema";

  private static final List<String> FORM_PROBLEMS =
      List.of(
          "A JSON body is required.",
          "The body is not valid JSON.",
          "The body must be a JSON object.");
  private static final String LONG = "x".repeat(10_000);

  /** SockJS speaks its own protocol (plain text, upgrades), not the REST conventions. */
  private static final List<String> NOT_REST = List.of("/eventbus/");

  private static Api api;
  private static final List<Api> CLIENTS = new ArrayList<>();
  private static int malformedProbes;
  private static JsonObject document;
  private static DescribedAnswers described;
  private static Fixtures fixtures;
  private static JsonObject settings;
  private static DescribedBodies bodies;
  private static final List<Operation> OPERATIONS = new ArrayList<>();
  private static final Map<String, AtomicInteger> BY_STATUS = new ConcurrentHashMap<>();
  private static final AtomicInteger SENT = new AtomicInteger();

  /**
   * One described operation: its method, path template, parameters and the properties of its JSON
   * body.
   */
  record Operation(
      String method,
      String path,
      List<JsonObject> query,
      List<String> pathParameters,
      boolean takesBody,
      boolean bodyRequired,
      Map<String, JsonObject> bodyFields) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** One request of the walk, printed whole when it fails. */
  record Probe(
      Operation operation,
      String role,
      String what,
      Map<String, String> pathValues,
      Map<String, String> query,
      Map<String, String> headers,
      String body) {
    String uri() {
      String path = operation.path();
      for (Map.Entry<String, String> p : pathValues.entrySet()) {
        path = path.replace("{" + p.getKey() + "}", encode(p.getValue()));
      }
      if (query.isEmpty()) {
        return path;
      }
      return path
          + "?"
          + query.entrySet().stream()
              .map(q -> encode(q.getKey()) + "=" + encode(q.getValue()))
              .collect(Collectors.joining("&"));
    }

    @Override
    public String toString() {
      return what
          + ": "
          + operation.method()
          + " "
          + uri()
          + " as "
          + role
          + " with headers "
          + headers
          + (body == null ? " and no body" : " and body " + body);
    }
  }

  /**
   * What the walk needs to reach past the first check of each operation: real ids of its own, and a
   * token per role.
   */
  record Fixtures(Map<String, String> tokens, Map<String, String> ids, Accounts.Account customer) {}

  @BeforeContainer
  static void prepare() throws Exception {
    api = TestPlatform.newClient();
    for (int i = 0; i < 64; i++) {
      CLIENTS.add(TestPlatform.newClient());
    }
    document = api.get("/api/v1/openapi.json").json();
    described = new DescribedAnswers(document);
    fixtures = fixtures();
    bodies = new DescribedBodies(document, fixtures.ids());
    settings = api.get("/api/v1/admin/settings", fixtures.tokens().get("admin")).json();
    document
        .getJsonObject("paths")
        .forEach(
            path -> {
              if (NOT_REST.stream().anyMatch(path.getKey()::startsWith)) {
                return;
              }
              JsonObject item = (JsonObject) path.getValue();
              for (String method : List.of("get", "post", "put", "patch", "delete")) {
                if (item.containsKey(method)) {
                  OPERATIONS.add(
                      operation(method.toUpperCase(), path.getKey(), item.getJsonObject(method)));
                }
              }
            });
  }

  @AfterContainer
  static void tally() {
    System.out.println(
        "ContractIT: "
            + OPERATIONS.size()
            + " operations, "
            + malformedProbes
            + " malformed requests, "
            + SENT.get()
            + " requests in all, answers by status "
            + new TreeMap<>(BY_STATUS));
    // the walk may have changed the shop's settings with a body their schema accepts: the next test
    // class finds them as they were
    Api.Response restored =
        api.send(
            HttpMethod.PUT,
            "/api/v1/admin/settings",
            fixtures.tokens().get("admin"),
            settings,
            Map.of());
    if (restored.status() != 200) {
      throw new AssertionError("could not restore the settings: " + restored);
    }
    if (!TestPlatform.BLOCKED.isEmpty()) {
      throw new AssertionError("Vert.x reported a blocked event loop: " + TestPlatform.BLOCKED);
    }
  }

  @Property(generation = GenerationMode.EXHAUSTIVE, tries = 100_000, shrinking = ShrinkingMode.OFF)
  void everyOperationAnswersMalformedInputAsDocumented(@ForAll("malformed") Probe probe) {
    Api.Response answer = send(probe);
    report(probe, answer, broken(probe, answer));
  }

  @Property(tries = 1500)
  void randomValuesInAnyFieldNeverBreakAnOperation(@ForAll("random") Probe probe) {
    Api.Response answer = send(probe);
    report(probe, answer, broken(probe, answer));
  }

  @Property(tries = 800)
  void aBodyTheDocumentAcceptsIsRefusedOnlyForAReasonItStates(@ForAll("valid") Probe probe) {
    Api.Response answer = send(probe);
    List<String> wrong = broken(probe, answer);
    String detail =
        answer.status() >= 400 && wrong.isEmpty() ? answer.json().getString("detail", "") : "";
    if (answer.status() == 415 || answer.status() == 400 && FORM_PROBLEMS.contains(detail)) {
      wrong.add("a body the schema accepts was refused for its form");
    }
    if (answer.status() == 422) {
      List<String> stated =
          document
              .getJsonObject("paths")
              .getJsonObject(probe.operation().path())
              .getJsonObject(probe.operation().method().toLowerCase())
              .getJsonArray(RULES, new JsonArray())
              .stream()
              .map(Object::toString)
              .toList();
      answer
          .json()
          .getJsonArray("errors", new JsonArray())
          .forEach(
              e -> {
                String field = ((JsonObject) e).getString("field");
                if (stated.stream()
                    .noneMatch(
                        rule ->
                            field.equals(rule)
                                || field.startsWith(rule + ".")
                                || field.startsWith(rule + "["))) {
                  wrong.add(
                      "the schema accepts "
                          + field
                          + " but the edge refused it ("
                          + ((JsonObject) e).getString("message")
                          + "); tighten the schema or name the rule in "
                          + RULES);
                }
              });
    }
    report(probe, answer, wrong);
  }

  @Provide
  Arbitrary<Probe> valid() {
    List<Operation> withBodies =
        OPERATIONS.stream()
            .filter(
                op ->
                    !op.bodyFields().isEmpty()
                        && !destructive(op)
                        && !op.path().equals("/api/v1/payments/webhook"))
            .toList();
    return Arbitraries.of(withBodies)
        .flatMap(
            op -> {
              JsonObject operation =
                  document
                      .getJsonObject("paths")
                      .getJsonObject(op.path())
                      .getJsonObject(op.method().toLowerCase());
              JsonObject schema =
                  resolve(
                      resolve(operation.getJsonObject("requestBody"))
                          .getJsonObject("content")
                          .getJsonObject("application/json")
                          .getJsonObject("schema"));
              return Combinators.combine(Arbitraries.of(ROLES), bodies.of(schema, "body"))
                  .as(
                      (role, body) ->
                          probe(
                              op,
                              role,
                              "a body the schema accepts",
                              ids(op),
                              Map.of(),
                              jsonHeaders(op),
                              body.toString()));
            });
  }

  @Provide
  Arbitrary<Probe> malformed() {
    List<Probe> probes = new ArrayList<>();
    for (Operation op : OPERATIONS) {
      for (String role : ROLES) {
        malformed(op, role, probes);
      }
    }
    // what ends a session or removes a fixture goes last, so the rest of the walk still reaches
    // past authentication
    probes.sort((a, b) -> Boolean.compare(destructive(a.operation()), destructive(b.operation())));
    malformedProbes = probes.size();
    return Arbitraries.of(probes);
  }

  @Provide
  Arbitrary<Probe> random() {
    Arbitrary<Operation> operations =
        Arbitraries.of(OPERATIONS.stream().filter(op -> !destructive(op)).toList());
    return operations.flatMap(
        op ->
            Combinators.combine(
                    Arbitraries.of(ROLES),
                    anyValues(op.bodyFields().keySet()),
                    anyValues(op.query().stream().map(q -> q.getString("name")).toList()))
                .as(
                    (role, body, query) -> {
                      JsonObject json = new JsonObject();
                      body.forEach(json::put);
                      Map<String, String> params = new LinkedHashMap<>();
                      query.forEach((name, value) -> params.put(name, String.valueOf(value)));
                      return probe(
                          op,
                          role,
                          "random values",
                          ids(op),
                          params,
                          jsonHeaders(op),
                          op.takesBody() ? json.encode() : null);
                    }));
  }

  /** Any JSON value, or nothing, for each of the named fields. */
  private static Arbitrary<Map<String, Object>> anyValues(java.util.Collection<String> names) {
    Arbitrary<Object> value =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(40).map(s -> (Object) s),
            Arbitraries.strings()
                .withCharRange('0', '9')
                .ofMinLength(1)
                .ofMaxLength(20)
                .map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(new JsonArray().add("a").add(1)).map(a -> (Object) a),
            Arbitraries.just(new JsonObject().put("a", 1)).map(o -> (Object) o),
            Arbitraries.just(UUID.randomUUID().toString()).map(s -> (Object) s));
    Arbitrary<Map<String, Object>> none = Arbitraries.just(Map.of());
    if (names.isEmpty()) {
      return none;
    }
    List<String> list = List.copyOf(names);
    return value
        .injectNull(0.2)
        .list()
        .ofSize(list.size())
        .map(
            values -> {
              Map<String, Object> out = new LinkedHashMap<>();
              for (int i = 0; i < list.size(); i++) {
                if (values.get(i) != null) {
                  out.put(list.get(i), values.get(i));
                }
              }
              return out;
            });
  }

  private static void malformed(Operation op, String role, List<Probe> out) {
    Map<String, String> ids = ids(op);
    Map<String, String> none = Map.of();
    out.add(probe(op, role, "no body", ids, none, Map.of(), null));
    out.add(
        probe(
            op,
            role,
            "an unknown query parameter",
            ids,
            Map.of("noSuchParameter", "1"),
            jsonHeaders(op),
            op.takesBody() ? "{}" : null));
    if (op.takesBody()) {
      out.add(
          probe(
              op,
              role,
              "an empty body",
              ids,
              none,
              Map.of("Content-Type", "application/json"),
              ""));
      out.add(probe(op, role, "{}", ids, none, Map.of("Content-Type", "application/json"), "{}"));
      out.add(
          probe(
              op,
              role,
              "a JSON array",
              ids,
              none,
              Map.of("Content-Type", "application/json"),
              "[]"));
      op.bodyFields()
          .forEach(
              (field, schema) -> {
                out.add(
                    probe(
                        op,
                        role,
                        "a wrong type in " + field,
                        ids,
                        none,
                        jsonHeaders(op),
                        new JsonObject().put(field, wrongType(schema)).encode()));
                out.add(
                    probe(
                        op,
                        role,
                        "NUL in " + field,
                        ids,
                        none,
                        jsonHeaders(op),
                        new JsonObject().put(field, NUL).encode()));
                out.add(
                    probe(
                        op,
                        role,
                        "10 000 characters in " + field,
                        ids,
                        none,
                        jsonHeaders(op),
                        new JsonObject().put(field, LONG).encode()));
              });
    }
    String body = op.takesBody() ? "{}" : null;
    for (JsonObject parameter : op.query()) {
      String name = parameter.getString("name");
      out.add(
          probe(
              op,
              role,
              "a wrong type in ?" + name,
              ids,
              Map.of(name, wrongText(parameter.getJsonObject("schema"))),
              jsonHeaders(op),
              body));
      out.add(probe(op, role, "NUL in ?" + name, ids, Map.of(name, NUL), jsonHeaders(op), body));
      out.add(
          probe(
              op,
              role,
              "10 000 characters in ?" + name,
              ids,
              Map.of(name, LONG),
              jsonHeaders(op),
              body));
    }
    for (String name : op.pathParameters()) {
      for (String bad : List.of(NUL, LONG, "not-an-id")) {
        Map<String, String> changed = new LinkedHashMap<>(ids);
        changed.put(name, bad);
        out.add(
            probe(
                op,
                role,
                (bad == NUL ? "NUL" : bad == LONG ? "10 000 characters" : "a wrong type")
                    + " in {"
                    + name
                    + "}",
                changed,
                none,
                jsonHeaders(op),
                body));
      }
    }
  }

  private static Probe probe(
      Operation op,
      String role,
      String what,
      Map<String, String> pathValues,
      Map<String, String> query,
      Map<String, String> headers,
      String body) {
    return new Probe(op, role, what, pathValues, query, headers, body);
  }

  private static Map<String, String> jsonHeaders(Operation op) {
    return op.takesBody() ? Map.of("Content-Type", "application/json") : Map.of();
  }

  /** Sends the probe and checks its answer against the rules and the document. */
  private static Api.Response send(Probe probe) {
    String token =
        probe.role().equals("anonymous")
            ? null
            : probe.operation().path().equals("/api/v1/auth/logout")
                ? freshToken(probe.role())
                : fixtures.tokens().get(probe.role());
    Map<String, String> headers = new LinkedHashMap<>(probe.headers());
    if (probe.operation().method().equals("POST")
        && List.of("/api/v1/checkout", "/api/v1/orders/{id}/refund", "/api/v1/payments/intents")
            .contains(probe.operation().path())) {
      headers.put("Idempotency-Key", UUID.randomUUID().toString());
    }
    // from many addresses: sign-in routes count attempts per address, and the walk must reach their
    // checks
    Api client = CLIENTS.get(SENT.get() % CLIENTS.size());
    Api.Response answer =
        client.raw(
            HttpMethod.valueOf(probe.operation().method()),
            probe.uri(),
            token,
            probe.body() == null ? null : Buffer.buffer(probe.body()),
            headers);
    SENT.incrementAndGet();
    BY_STATUS
        .computeIfAbsent(Integer.toString(answer.status()), s -> new AtomicInteger())
        .incrementAndGet();
    return answer;
  }

  /**
   * What breaks the rules every answer follows: no 5xx, errors as problems, only answers the
   * document describes.
   */
  private static List<String> broken(Probe probe, Api.Response answer) {
    List<String> wrong = new ArrayList<>();
    if (answer.status() >= 500) {
      wrong.add("a server failure");
    }
    String type = answer.header("Content-Type");
    if (answer.status() >= 400 && (type == null || !type.startsWith("application/problem+json"))) {
      wrong.add("an error that is not a problem document (" + type + ")");
    }
    boolean bodiless = probe.body() == null || probe.body().isEmpty();
    if (bodiless
        && !probe.operation().bodyRequired()
        && (answer.status() == 415
            || answer.status() == 400
                && FORM_PROBLEMS.contains(answer.json().getString("detail")))) {
      wrong.add("the document lets this operation go without a body, but the edge wanted one");
    }
    if (bodiless
        && probe.operation().bodyRequired()
        && (answer.status() < 300 || answer.status() == 415 || answer.status() == 422)) {
      wrong.add("no body where one is required must be 400");
    }
    int before = described.mismatches().size();
    described.check(probe.operation().method(), probe.operation().path(), answer);
    wrong.addAll(described.mismatches().subList(before, described.mismatches().size()));
    return wrong;
  }

  /** Fails with the exact request if anything is wrong. */
  private static void report(Probe probe, Api.Response answer, List<String> wrong) {
    if (!wrong.isEmpty()) {
      throw new AssertionError(probe + "\nanswered " + answer + "\n" + String.join("\n", wrong));
    }
  }

  /** Operations that end a session or remove one of the walk's own fixtures. */
  private static boolean destructive(Operation op) {
    return op.method().equals("DELETE")
        || op.path().endsWith("/cancel")
        || op.path().equals("/api/v1/auth/reset-password");
  }

  private static Object wrongType(JsonObject schema) {
    JsonObject s = resolve(schema);
    Object type = s.getValue("type");
    String first = type instanceof JsonArray types ? types.getString(0) : (String) type;
    if (first == null) {
      return s.containsKey("properties") ? "not an object" : 12345;
    }
    return switch (first) {
      case "string" -> 12345;
      case "integer", "number" -> "12";
      case "boolean" -> "yes";
      case "array" -> new JsonObject().put("not", "a list");
      default -> "not an object";
    };
  }

  private static String wrongText(JsonObject schema) {
    JsonObject s = resolve(schema == null ? new JsonObject() : schema);
    String type = s.getValue("type") instanceof String t ? t : "string";
    return switch (type) {
      case "integer", "number" -> "twelve";
      case "boolean" -> "maybe";
      default -> s.containsKey("enum") ? "no-such-value" : "not-an-id";
    };
  }

  private static Operation operation(String method, String path, JsonObject op) {
    List<JsonObject> query = new ArrayList<>();
    List<String> pathParameters = new ArrayList<>();
    op.getJsonArray("parameters", new JsonArray())
        .forEach(
            p -> {
              JsonObject parameter = resolve((JsonObject) p);
              if ("query".equals(parameter.getString("in"))) {
                query.add(parameter);
              } else if ("path".equals(parameter.getString("in"))) {
                pathParameters.add(parameter.getString("name"));
              }
            });
    JsonObject body =
        op.containsKey("requestBody") ? resolve(op.getJsonObject("requestBody")) : null;
    Map<String, JsonObject> fields = new LinkedHashMap<>();
    if (body != null && body.getJsonObject("content").containsKey("application/json")) {
      properties(
          body.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema"),
          fields);
    }
    return new Operation(
        method,
        path,
        query,
        pathParameters,
        body != null,
        body != null && body.getBoolean("required", false),
        fields);
  }

  /**
   * The properties a body schema names, through {@code $ref}, {@code allOf}, {@code oneOf} and
   * {@code anyOf}.
   */
  private static void properties(JsonObject schema, Map<String, JsonObject> out) {
    JsonObject s = resolve(schema);
    s.getJsonObject("properties", new JsonObject())
        .forEach(p -> out.putIfAbsent(p.getKey(), (JsonObject) p.getValue()));
    for (String composition : List.of("allOf", "oneOf", "anyOf")) {
      s.getJsonArray(composition, new JsonArray())
          .forEach(member -> properties((JsonObject) member, out));
    }
  }

  private static JsonObject resolve(JsonObject schema) {
    return bodies.resolve(schema);
  }

  /**
   * Real values for the operation's path parameters, from the walk's own fixtures (a fresh id where
   * none fits).
   */
  private static Map<String, String> ids(Operation op) {
    Map<String, String> values = new LinkedHashMap<>();
    String path = op.path();
    for (String name : op.pathParameters()) {
      String key = name;
      if (name.equals("slug")) {
        key = path.startsWith("/api/v1/categories") ? "categorySlug" : "productSlug";
      }
      if (name.equals("id")) {
        key =
            path.startsWith("/api/v1/products") || path.startsWith("/api/v1/admin/products")
                ? "product"
                : path.startsWith("/api/v1/categories")
                    ? "category"
                    : path.startsWith("/api/v1/orders") || path.startsWith("/api/v1/seller/orders")
                        ? "order"
                        : path.startsWith("/api/v1/admin/users")
                            ? "user"
                            : path.startsWith("/api/v1/admin/discounts")
                                ? "discount"
                                : path.startsWith("/api/v1/sellers")
                                    ? "seller"
                                    : path.startsWith("/api/v1/users/me/addresses")
                                        ? "address"
                                        : "none";
      }
      values.put(name, fixtures.ids().getOrDefault(key, UUID.randomUUID().toString()));
    }
    return values;
  }

  /**
   * A session of the role's own for an operation that ends it, signed in from a new address
   * (sign-ins are limited per address).
   */
  private static String freshToken(String role) {
    Api signIns = TestPlatform.newClient();
    return switch (role) {
      case "admin" ->
          Accounts.login(signIns, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD)
              .accessToken();
      default ->
          Accounts.login(signIns, fixtures.ids().get(role + "Email"), Accounts.PASSWORD)
              .accessToken();
    };
  }

  private static Fixtures fixtures() throws Exception {
    Checkouts.Product product = Checkouts.product(api, 1500, 50);
    Accounts.Account seller = Accounts.login(api, sellerEmail(product), Accounts.PASSWORD);
    Accounts.Account customer = Checkouts.buyer(api, product, 1);
    String admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD).accessToken();
    Accounts.Account bystander = Accounts.signedIn(api, null);
    Map<String, String> ids = new ConcurrentHashMap<>();
    ids.put("product", product.id());
    ids.put("productId", product.id());
    ids.put("productSlug", api.get("/api/v1/products/" + product.id()).json().getString("slug"));
    ids.put("sku", product.sku());
    ids.put("seller", product.sellerId());
    ids.put("user", bystander.id());
    ids.put("customerEmail", customer.email());
    ids.put("sellerEmail", seller.email());
    ids.put("asset", "swagger-ui.css");
    ids.put(
        "itemId",
        api.get("/api/v1/cart", customer.accessToken())
            .json()
            .getJsonArray("items")
            .getJsonObject(0)
            .getString("id"));
    Api.Response image =
        api.post(
            "/api/v1/products/" + product.id() + "/images",
            seller.accessToken(),
            new JsonObject().put("url", "https://images.example/contract.jpg"));
    ids.put("imageId", image.json().getString("id"));
    Api.Response category =
        api.post(
            "/api/v1/categories",
            admin,
            new JsonObject().put("name", "Contract " + UUID.randomUUID()));
    ids.put("category", category.json().getString("id"));
    ids.put("categorySlug", category.json().getString("slug"));
    Api.Response discount =
        api.post(
            "/api/v1/admin/discounts",
            admin,
            new JsonObject()
                .put("code", "CT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase())
                .put("type", "percent")
                .put("value", 5));
    ids.put("discount", discount.json().getString("id"));
    Api.Response address =
        api.post("/api/v1/users/me/addresses", customer.accessToken(), Checkouts.address("DE"));
    ids.put("address", address.json().getString("id"));
    Api.Response checkout =
        Checkouts.checkout(
            api,
            customer.accessToken(),
            UUID.randomUUID().toString(),
            Checkouts.checkoutBody("DE"));
    ids.put("order", checkout.json().getString("orderId"));
    Map<String, String> tokens =
        Map.of("customer", customer.accessToken(), "seller", seller.accessToken(), "admin", admin);
    return new Fixtures(tokens, ids, customer);
  }

  private static String sellerEmail(Checkouts.Product product) {
    return api.get("/api/v1/users/me", product.sellerToken()).json().getString("email");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
