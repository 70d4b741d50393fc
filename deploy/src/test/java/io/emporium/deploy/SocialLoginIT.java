package io.emporium.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig.Service;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Social login end to end, as a browser does it: the platform's development OpenID provider signs
 * in through its login form, every redirect followed by hand with a plain HTTP client.
 */
@ExtendWith(TestPlatform.class)
class SocialLoginIT {
  private static final String CLIENT = "http://localhost:3000/signed-in";
  private static final HttpClient BROWSER =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private static final Pattern HIDDEN_FIELD =
      Pattern.compile("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\"");
  private static final Pattern FORM_ACTION = Pattern.compile("<form action=\"([^\"]+)\"");

  /**
   * A second edge whose provider {@code devpost} is the same development provider in {@code
   * form_post} response mode, as Sign in with Apple is.
   */
  private static Emporium formPostEdge;

  @BeforeAll
  static void startAnEdgeWithAFormPostProvider() {
    Map<String, String> env = TestPlatform.extraEdge();
    for (String key :
        List.of("CLUSTER_ENABLED", "CLUSTER_NAME", "CLUSTER_PORT", "CLUSTER_MEMBERS")) {
      env.remove(key);
    }
    // the platform's budget: the auth group's counts are shared through Redis with its edges
    env.put("RATE_LIMIT_AUTH_ANONYMOUS", "1000000/1m");
    env.put("RATE_LIMIT_AUTH_USER", "1000000/1m");
    env.put("STOREFRONT_URL", TestPlatform.STOREFRONT_URL);
    env.put("OAUTH_REDIRECT_ALLOWLIST", "http://localhost:*");
    env.put("OIDC_DEVPOST_ISSUER", TestPlatform.config().oidcProviders.get(0).issuer());
    env.put("OIDC_DEVPOST_CLIENT_ID", "emporium-dev");
    env.put("OIDC_DEVPOST_CLIENT_SECRET", "emporium-dev-secret");
    env.put("OIDC_DEVPOST_RESPONSE_MODE", "form_post");
    formPostEdge = Emporium.launch(new LaunchOptions(EnumSet.of(Service.EDGE), true, null), env);
  }

  @AfterAll
  static void stopIt() {
    if (formPostEdge != null) {
      formPostEdge.close();
    }
  }

  /** A started login: the provider's authorization URL and its query. */
  private record Started(URI authorize, Map<String, String> query) {}

  private static String edge() {
    return "http://localhost:" + TestPlatform.config().appPort;
  }

  private static String email(String prefix) {
    return Accounts.uniqueEmail(prefix);
  }

  private static HttpResponse<String> get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return BROWSER.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> query(String url) {
    String raw = URI.create(url).getRawQuery();
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      out.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String withQuery(URI uri, Map<String, String> query) {
    String base = uri.toString();
    return base.substring(0, base.indexOf('?')) + "?" + form(query);
  }

  /** {@code GET /start}: a 302 to the provider. */
  private static Started start(String redirectUri) {
    return start(edge(), "dev", redirectUri);
  }

  private static Started start(String edge, String provider, String redirectUri) {
    HttpResponse<String> started =
        get(edge + "/api/v1/auth/oauth/" + provider + "/start?redirectUri=" + encode(redirectUri));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
    String location = started.headers().firstValue("Location").orElseThrow();
    return new Started(URI.create(location), query(location));
  }

  /**
   * Posts the provider's login form; answers where the provider sends the browser (our callback).
   */
  private static String signInAtProvider(String authorizeUrl, Map<String, String> fields) {
    HttpResponse<String> posted =
        send(
            HttpRequest.newBuilder(URI.create(authorizeUrl))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
    String callback = posted.headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(edge() + "/api/v1/auth/oauth/dev/callback?");
    return callback;
  }

  /** Follows the provider's redirect to our callback; answers where it sends the browser. */
  private static String callback(String callbackUrl) {
    HttpResponse<String> back = get(callbackUrl);
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Cache-Control")).hasValue("no-store");
    return back.headers().firstValue("Location").orElseThrow();
  }

  /** A whole login with this username at the provider; the client's URL it ends on. */
  private static String login(String username) {
    return login(Map.of("username", username));
  }

  private static String login(Map<String, String> form) {
    Started started = start(CLIENT);
    return callback(signInAtProvider(started.authorize().toString(), form));
  }

  private static String loginCode(String landing) {
    assertThat(landing).startsWith(CLIENT + "?loginCode=");
    return query(landing).get("loginCode");
  }

  private static Api.Response exchange(Api api, String loginCode) {
    return api.post("/api/v1/auth/oauth/exchange", new JsonObject().put("loginCode", loginCode));
  }

  /** A whole login that signs in: the token pair's body. */
  private static JsonObject signIn(Api api, String username) {
    Api.Response tokens = exchange(api, loginCode(login(username)));
    assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
    return tokens.json();
  }

  @Test
  void theEmbeddedModeOffersTheDevelopmentProvider(Api api) {
    Api.Response providers = api.get("/api/v1/auth/oauth/providers");
    assertThat(providers.status()).isEqualTo(200);
    assertThat(providers.jsonArray())
        .isEqualTo(
            new JsonArray()
                .add(new JsonObject().put("id", "dev").put("name", "Development login")));
    String issuer = TestPlatform.config().oidcProviders.get(0).issuer();
    assertThat(issuer).matches("http://127\\.0\\.0\\.1:\\d+/dev");
    assertThat(TestPlatform.platform().describe(0))
        .contains("  login    development OpenID provider at " + issuer);
  }

  /** A link checker's or a prefetch's HEAD begins no login: only a browser's GET does. */
  @Test
  void aHeadOfTheStartBeginsNoLogin(Api api) {
    String back = CLIENT + "/" + UUID.randomUUID();
    String start = "/api/v1/auth/oauth/dev/start?redirectUri=" + encode(back);
    Api.Response head = api.raw(HttpMethod.HEAD, start, null, null, Map.of());
    assertThat(head.status()).as(head.toString()).isEqualTo(405);
    assertThat(head.header("Allow")).isEqualTo("GET");
    assertThat(pendingLogins(back)).isZero();
    assertThat(api.getUnfollowed(start, null).status()).isEqualTo(302);
    assertThat(pendingLogins(back)).isEqualTo(1);
  }

  private static long pendingLogins(String redirectUri) {
    return TestPlatform.db()
        .preparedQuery("SELECT count(*) FROM identity.oauth_pending_logins WHERE redirect_uri = $1")
        .execute(Tuple.of(redirectUri))
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aNewEmailSignsInAsANewVerifiedCustomerThroughTheProvidersLoginForm(Api api) {
    Started started = start(CLIENT);
    Map<String, String> q = started.query();
    assertThat(started.authorize().getHost()).isEqualTo("127.0.0.1");
    assertThat(started.authorize().getPath()).isEqualTo("/dev/authorize");
    assertThat(q.get("response_type")).isEqualTo("code");
    assertThat(q.get("client_id")).isEqualTo("emporium-dev");
    assertThat(q.get("redirect_uri")).isEqualTo(edge() + "/api/v1/auth/oauth/dev/callback");
    assertThat(q.get("scope")).contains("openid").contains("email");
    assertThat(q.get("code_challenge_method")).isEqualTo("S256");
    assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
    assertThat(q.get("state")).matches("[A-Za-z0-9_-]{43}");
    assertThat(q.get("nonce")).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(q.get("state"));

    HttpResponse<String> page = get(started.authorize().toString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<form method=\"post\"").contains("name=\"username\"");

    String email = email("social");
    String callbackUrl =
        signInAtProvider(started.authorize().toString(), Map.of("username", email));
    assertThat(query(callbackUrl).get("state")).isEqualTo(q.get("state"));
    assertThat(query(callbackUrl).get("code")).isNotBlank();
    String landing = callback(callbackUrl);
    String loginCode = loginCode(landing);
    assertThat(loginCode).matches("[A-Za-z0-9_-]{43}");
    assertThat(landing).doesNotContain("accessToken").doesNotContain("eyJ");

    Api.Response tokens = exchange(api, loginCode);
    assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
    JsonObject body = tokens.json();
    assertThat(body.getString("tokenType")).isEqualTo("Bearer");
    assertThat(body.getString("refreshToken")).isNotBlank();
    assertThat(body.getLong("expiresIn")).isPositive();
    JsonObject user = body.getJsonObject("user");
    assertThat(user.getString("email")).isEqualTo(email);
    assertThat(user.getString("role")).isEqualTo("customer");
    assertThat(user.getBoolean("emailVerified")).isTrue();

    Api.Response me = api.get("/api/v1/users/me", body.getString("accessToken"));
    assertThat(me.status()).as(me.toString()).isEqualTo(200);
    assertThat(me.json().getString("id")).isEqualTo(user.getString("id"));
    // the refresh token is a usual one too
    Api.Response refreshed =
        api.post(
            "/api/v1/auth/refresh",
            new JsonObject().put("refreshToken", body.getString("refreshToken")));
    assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);

    Api.Response reused = exchange(api, loginCode);
    assertThat(reused.status()).as(reused.toString()).isEqualTo(400);
    assertThat(reused.header("Content-Type")).startsWith("application/problem+json");

    JsonObject again = signIn(api, email);
    assertThat(again.getJsonObject("user").getString("id")).isEqualTo(user.getString("id"));
  }

  @Test
  void aPasswordAccountIsLinkedByItsVerifiedEmailAndKeepsItsRole(Api api) {
    Accounts.Account customer = Accounts.registered(api, null);
    JsonObject social = signIn(api, customer.email());
    JsonObject user = social.getJsonObject("user");
    assertThat(user.getString("id")).isEqualTo(customer.id());
    assertThat(user.getString("role")).isEqualTo("customer");
    // the provider proved the mailbox
    assertThat(user.getBoolean("emailVerified")).isTrue();
    // and the password still works
    assertThat(Accounts.login(api, customer.email(), Accounts.PASSWORD).id())
        .isEqualTo(customer.id());

    Accounts.Account seller = Accounts.signedIn(api, "seller");
    JsonObject sellerSocial = signIn(api, seller.email()).getJsonObject("user");
    assertThat(sellerSocial.getString("id")).isEqualTo(seller.id());
    assertThat(sellerSocial.getString("role")).isEqualTo("seller");
  }

  @Test
  void aSocialLoginWithTheVerifiedEmailClaimsItsGuestOrders(Api api) {
    Checkouts.Product p = Checkouts.product(api, 1_300, 5);
    String email = email("guest");
    Api.Response ordered =
        GuestCheckoutIT.guestCheckout(
            api,
            GuestCheckoutIT.guestCart(api, p, 1),
            UUID.randomUUID().toString(),
            GuestCheckoutIT.guestBody(email));
    assertThat(ordered.status()).as(ordered.toString()).isEqualTo(201);

    String token = signIn(api, email).getString("accessToken");
    Api.Response listed =
        api.await(
            Duration.ofSeconds(30),
            () -> api.get("/api/v1/orders", token),
            r -> r.status() == 200 && !r.json().getJsonArray("items").isEmpty());
    assertThat(listed.json().getJsonArray("items").getJsonObject(0).getString("id"))
        .isEqualTo(ordered.json().getString("orderId"));
  }

  @Test
  void theProvidersSubjectFindsItsAccountAfterTheEmailChanged(Api api) {
    String subject = email("subject");
    String first = signIn(api, subject).getJsonObject("user").getString("id");
    String newEmail = email("renamed");
    Api.Response later =
        exchange(
            api,
            loginCode(
                login(
                    Map.of(
                        "username",
                        subject,
                        "claims",
                        new JsonObject()
                            .put("email", newEmail)
                            .put("email_verified", true)
                            .encode()))));
    assertThat(later.status()).as(later.toString()).isEqualTo(200);
    assertThat(later.json().getJsonObject("user").getString("id")).isEqualTo(first);
  }

  @Test
  void anUnverifiedProviderEmailNeverSignsIntoTheAccountOfThatEmail(Api api) {
    Accounts.Account owner = Accounts.signedIn(api, null);
    String landing =
        login(
            Map.of(
                "username",
                "intruder-" + UUID.randomUUID(),
                "claims",
                new JsonObject()
                    .put("email", owner.email())
                    .put("email_verified", false)
                    .encode()));
    assertThat(landing).isEqualTo(CLIENT + "?error=email_unverified");

    // with no account of that email, an unverified one makes an unverified customer
    String fresh = email("unverified");
    Api.Response made =
        exchange(
            api,
            loginCode(
                login(
                    Map.of(
                        "username",
                        "someone-" + UUID.randomUUID(),
                        "claims",
                        new JsonObject()
                            .put("email", fresh)
                            .put("email_verified", false)
                            .encode()))));
    assertThat(made.status()).as(made.toString()).isEqualTo(200);
    assertThat(made.json().getJsonObject("user").getBoolean("emailVerified")).isFalse();
    assertThat(made.json().getJsonObject("user").getString("role")).isEqualTo("customer");
  }

  @Test
  void aDeactivatedAccountIsRefused(Api api) {
    Accounts.Account customer = Accounts.signedIn(api, null);
    String code = loginCode(login(customer.email()));
    Accounts.Account admin =
        Accounts.login(api, TestPlatform.ADMIN_EMAIL, TestPlatform.ADMIN_PASSWORD);
    Api.Response off =
        api.patch(
            "/api/v1/admin/users/" + customer.id(),
            admin.accessToken(),
            new JsonObject().put("active", false));
    assertThat(off.status()).as(off.toString()).isEqualTo(200);

    assertThat(login(customer.email())).isEqualTo(CLIENT + "?error=account_disabled");
    // a code issued before the deactivation no longer signs in
    assertThat(exchange(api, code).status()).isEqualTo(403);
  }

  @Test
  void aForgedStateEndsTheLoginWithoutRedeemingTheCode(Api api) {
    Started started = start(CLIENT);
    String callbackUrl =
        signInAtProvider(started.authorize().toString(), Map.of("username", email("forged")));
    Map<String, String> q = query(callbackUrl);
    Map<String, String> forged = new LinkedHashMap<>(q);
    forged.put(
        "state", q.get("state").substring(0, 42) + (q.get("state").endsWith("A") ? "B" : "A"));
    assertThat(callback(withQuery(URI.create(callbackUrl), forged)))
        .isEqualTo(TestPlatform.STOREFRONT_URL + "?error=invalid_state");
    // the provider never saw the code: it is still good for the real state
    String landing = callback(callbackUrl);
    assertThat(exchange(api, loginCode(landing)).status()).isEqualTo(200);
    // and the real state works once
    assertThat(callback(callbackUrl)).isEqualTo(CLIENT + "?error=invalid_state");
  }

  @Test
  void aReplayedAuthorizationCodeSignsNobodyIn(Api api) {
    Started first = start(CLIENT);
    String used =
        signInAtProvider(first.authorize().toString(), Map.of("username", email("replay")));
    assertThat(callback(used)).startsWith(CLIENT + "?loginCode=");

    Started second = start(CLIENT);
    Map<String, String> replay = new LinkedHashMap<>(query(used));
    replay.put("state", second.query().get("state"));
    assertThat(callback(withQuery(URI.create(used), replay)))
        .isEqualTo(CLIENT + "?error=provider_error");
  }

  @Test
  void anIdTokenWithAnotherNonceIsRefused(Api api) {
    Started started = start(CLIENT);
    Map<String, String> tampered = new LinkedHashMap<>(started.query());
    tampered.put("nonce", "not-the-nonce-" + UUID.randomUUID());
    String callbackUrl =
        signInAtProvider(
            withQuery(started.authorize(), tampered), Map.of("username", email("nonce")));
    assertThat(callback(callbackUrl)).isEqualTo(CLIENT + "?error=invalid_id_token");
  }

  @Test
  void aCancelledLoginComesBackWithItsError(Api api) {
    Started started = start(CLIENT + "?from=cart");
    String landing =
        callback(
            edge()
                + "/api/v1/auth/oauth/dev/callback?error=access_denied&state="
                + started.query().get("state"));
    assertThat(landing).isEqualTo(CLIENT + "?from=cart&error=access_denied");
  }

  private static String formPostEdgeUrl() {
    return "http://localhost:" + formPostEdge.config().appPort;
  }

  /** The provider's origin: where a browser says its form POST comes from. */
  private static String providerOrigin() {
    URI issuer = URI.create(TestPlatform.config().oidcProviders.get(0).issuer());
    return issuer.getScheme() + "://" + issuer.getAuthority();
  }

  /** A form POST to a callback as a browser sends it from the provider's page. */
  private static HttpResponse<String> postCallback(String url, String type, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Origin", providerOrigin())
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    return send(request);
  }

  /**
   * Signs in at the provider of a {@code form_post} login: it answers a page whose form posts the
   * code and state back; answers that form's action and fields.
   */
  private static Map.Entry<String, Map<String, String>> signInForFormPost(
      Started started, String username) {
    HttpResponse<String> page =
        send(
            HttpRequest.newBuilder(started.authorize())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", username)))));
    assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
    assertThat(page.body()).contains("method=\"post\"").contains("document.callback.submit()");
    Matcher action = FORM_ACTION.matcher(page.body());
    assertThat(action.find()).as(page.body()).isTrue();
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher field = HIDDEN_FIELD.matcher(page.body());
    while (field.find()) {
      fields.put(field.group(1), field.group(2));
    }
    return Map.entry(action.group(1), fields);
  }

  @Test
  void aFormPostProviderSignsInThroughTheProvidersFormPostBack(Api api) {
    String callbackUrl = formPostEdgeUrl() + "/api/v1/auth/oauth/devpost/callback";
    Started started = start(formPostEdgeUrl(), "devpost", CLIENT);
    assertThat(started.query().get("response_mode")).isEqualTo("form_post");
    assertThat(started.query().get("redirect_uri")).isEqualTo(callbackUrl);
    assertThat(start(CLIENT).query()).doesNotContainKey("response_mode");

    String email = email("formpost");
    Map.Entry<String, Map<String, String>> posted = signInForFormPost(started, email);
    assertThat(posted.getKey()).isEqualTo(callbackUrl);
    assertThat(posted.getValue().get("state")).isEqualTo(started.query().get("state"));
    assertThat(posted.getValue().get("code")).isNotBlank();

    // what Apple adds on a first login is never trusted for the account
    Map<String, String> fields = new LinkedHashMap<>(posted.getValue());
    fields.put("user", "{\"email\":\"someone-else@evil.example\",\"name\":{\"firstName\":\"X\"}}");
    HttpResponse<String> back =
        postCallback(posted.getKey(), "application/x-www-form-urlencoded", form(fields));
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Cache-Control")).hasValue("no-store");
    Api.Response tokens =
        exchange(api, loginCode(back.headers().firstValue("Location").orElseThrow()));
    assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
    assertThat(tokens.json().getJsonObject("user").getString("email")).isEqualTo(email);

    // the state is used once, however it comes back
    back = postCallback(posted.getKey(), "application/x-www-form-urlencoded", form(fields));
    assertThat(back.headers().firstValue("Location")).hasValue(CLIENT + "?error=invalid_state");
  }

  @Test
  void aFormPostCallbackRefusesAForgedStateAWrongModeAndAWrongContentType(Api api) {
    String callbackUrl = formPostEdgeUrl() + "/api/v1/auth/oauth/devpost/callback";
    Started started = start(formPostEdgeUrl(), "devpost", CLIENT);
    Map<String, String> fields = signInForFormPost(started, email("formforged")).getValue();
    Map<String, String> forged = new LinkedHashMap<>(fields);
    String state = fields.get("state");
    forged.put("state", state.substring(0, 42) + (state.endsWith("A") ? "B" : "A"));
    HttpResponse<String> refused =
        postCallback(callbackUrl, "application/x-www-form-urlencoded", form(forged));
    assertThat(refused.statusCode()).isEqualTo(302);
    assertThat(refused.headers().firstValue("Location"))
        .hasValue(TestPlatform.STOREFRONT_URL + "?error=invalid_state");

    HttpResponse<String> json =
        postCallback(
            callbackUrl,
            "application/json",
            new JsonObject().put("state", state).put("code", fields.get("code")).encode());
    assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    HttpResponse<String> untyped = postCallback(callbackUrl, null, form(fields));
    assertThat(untyped.statusCode()).as(untyped.body()).isEqualTo(415);
    HttpResponse<String> empty = postCallback(callbackUrl, "application/x-www-form-urlencoded", "");
    assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
    for (String bad :
        List.of("state=%ZZ&code=1", "state=a%00b", "%%%", "state=" + "x".repeat(300), "code=1")) {
      HttpResponse<String> answer =
          postCallback(callbackUrl, "application/x-www-form-urlencoded", bad);
      assertThat(answer.statusCode()).as(bad + ": " + answer.body()).isLessThan(500);
      if (answer.statusCode() >= 400) {
        assertThat(answer.headers().firstValue("Content-Type"))
            .hasValue("application/problem+json");
      }
    }
    assertThat(
            postCallback(
                    formPostEdgeUrl() + "/api/v1/auth/oauth/nope/callback",
                    "application/x-www-form-urlencoded",
                    form(fields))
                .statusCode())
        .isEqualTo(404);

    // the provider never saw the code; a GET, not the provider's mode, is refused and uses the
    // state
    assertThat(callback(callbackUrl + "?" + form(fields)))
        .isEqualTo(CLIENT + "?error=invalid_state");
    HttpResponse<String> afterGet =
        postCallback(callbackUrl, "application/x-www-form-urlencoded", form(fields));
    assertThat(afterGet.headers().firstValue("Location")).hasValue(CLIENT + "?error=invalid_state");

    // and a query-mode provider takes no form POST
    Started query = start(CLIENT);
    String queryCallback =
        signInAtProvider(query.authorize().toString(), Map.of("username", email("querypost")));
    HttpResponse<String> posted =
        postCallback(
            edge() + "/api/v1/auth/oauth/dev/callback",
            "application/x-www-form-urlencoded",
            form(query(queryCallback)));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
    assertThat(posted.headers().firstValue("Location")).hasValue(CLIENT + "?error=invalid_state");
  }

  @Test
  void everyAnswerIsOneTheApiDocumentDescribes(Api api) {
    DescribedAnswers doc = new DescribedAnswers(api.get("/api/v1/openapi.json").json());
    String start = "/api/v1/auth/oauth/{provider}/start";
    String back = "/api/v1/auth/oauth/{provider}/callback";
    String exchange = "/api/v1/auth/oauth/exchange";
    doc.check("get", "/api/v1/auth/oauth/providers", api.get("/api/v1/auth/oauth/providers"));
    doc.check(
        "get",
        start,
        api.getUnfollowed("/api/v1/auth/oauth/dev/start?redirectUri=" + encode(CLIENT), null));
    doc.check(
        "get",
        start,
        api.getUnfollowed(
            "/api/v1/auth/oauth/dev/start?redirectUri=" + encode("https://evil.example/"), null));
    doc.check(
        "get",
        start,
        api.getUnfollowed("/api/v1/auth/oauth/nope/start?redirectUri=" + encode(CLIENT), null));
    Started started = start(CLIENT);
    String callbackUrl =
        signInAtProvider(started.authorize().toString(), Map.of("username", email("described")));
    Api.Response landed =
        doc.check("get", back, api.getUnfollowed(callbackUrl.substring(edge().length()), null));
    doc.check("get", back, api.getUnfollowed("/api/v1/auth/oauth/dev/callback?code=x", null));
    doc.check("get", back, api.getUnfollowed(callbackUrl.substring(edge().length()), null));
    String code = query(landed.header("Location")).get("loginCode");
    doc.check("post", exchange, exchange(api, code));
    doc.check("post", exchange, exchange(api, code));
    doc.check("post", exchange, api.post(exchange, new JsonObject()));
    Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
    String posted = "/api/v1/auth/oauth/dev/callback";
    doc.check(
        "post",
        back,
        api.raw(
            HttpMethod.POST,
            posted,
            null,
            Buffer.buffer(form(Map.of("state", start(CLIENT).query().get("state"), "code", "x"))),
            form));
    doc.check("post", back, api.raw(HttpMethod.POST, posted, null, Buffer.buffer("code=x"), form));
    doc.check("post", back, api.raw(HttpMethod.POST, posted, null, Buffer.buffer(), form));
    doc.check(
        "post",
        back,
        api.raw(
            HttpMethod.POST,
            posted,
            null,
            Buffer.buffer("{}"),
            Map.of("Content-Type", "application/json")));
    doc.check(
        "post",
        back,
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/oauth/nope/callback",
            null,
            Buffer.buffer("state=x"),
            form));
    assertThat(doc.mismatches()).as("answers the document does not describe").isEmpty();
  }

  @Test
  void badInputIsAProblemNeverAServerError(Api api) {
    Api.Response foreign =
        api.getUnfollowed(
            "/api/v1/auth/oauth/dev/start?redirectUri=" + encode("https://evil.example/x"), null);
    assertThat(foreign.status()).as(foreign.toString()).isEqualTo(422);
    assertThat(foreign.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo("redirectUri");
    assertThat(api.getUnfollowed("/api/v1/auth/oauth/dev/start", null).status()).isEqualTo(422);
    assertThat(
            api.getUnfollowed(
                    "/api/v1/auth/oauth/dev/start?redirectUri=" + encode("javascript:alert(1)"),
                    null)
                .status())
        .isEqualTo(422);

    Api.Response unknown =
        api.getUnfollowed("/api/v1/auth/oauth/nope/start?redirectUri=" + encode(CLIENT), null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
    assertThat(api.getUnfollowed("/api/v1/auth/oauth/nope/callback?state=x&code=y", null).status())
        .isEqualTo(404);
    assertThat(api.getUnfollowed("/api/v1/auth/oauth/dev/callback?code=y", null).status())
        .isEqualTo(422);

    assertThat(exchange(api, "no-such-code").status()).isEqualTo(400);
    assertThat(api.post("/api/v1/auth/oauth/exchange", new JsonObject()).status()).isEqualTo(422);
    Api.Response garbage =
        api.raw(
            HttpMethod.POST,
            "/api/v1/auth/oauth/exchange",
            null,
            Buffer.buffer("{not json"),
            Map.of("Content-Type", "application/json"));
    assertThat(garbage.status()).isEqualTo(400);
  }
}
