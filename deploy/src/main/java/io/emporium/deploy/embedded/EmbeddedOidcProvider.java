package io.emporium.deploy.embedded;

import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import kotlin.jvm.functions.Function1;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.http.Ssl;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * The development OpenID provider of the embedded mode (navikt's mock-oauth2-server, issuer {@code
 * /dev}), on its OkHttp server so its Netty 4.1 code never runs beside Vert.x's Netty 4.2. Its
 * login page is a form: any {@code username} signs in, as the subject, and as the email (verified)
 * when it contains {@code @}.
 */
public final class EmbeddedOidcProvider implements AutoCloseable {
  public static final String ID = "dev";
  public static final String NAME = "Development login";
  public static final String CLIENT_ID = "emporium-dev";
  public static final String CLIENT_SECRET = "emporium-dev-secret";

  /** Loopback only: anyone who reaches it signs in as whom they like. */
  private static final String HOST = "127.0.0.1";

  private final MockOAuth2Server server;

  private EmbeddedOidcProvider(MockOAuth2Server server) {
    this.server = server;
  }

  /** Starts it on {@code port} (0: any free one) and waits until it listens. */
  public static EmbeddedOidcProvider start(int port) {
    MockOAuth2Server server =
        new MockOAuth2Server(
            new OAuth2Config(
                true,
                null,
                null,
                false,
                new no.nav.security.mock.oauth2.token.OAuth2TokenProvider(),
                Set.of(),
                new LoginForm(new MockWebServerWrapper())));
    try {
      server.start(InetAddress.getByName(HOST), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return new EmbeddedOidcProvider(server);
  }

  /**
   * {@code http://127.0.0.1:<port>/dev}, whose {@code /.well-known/openid-configuration} exists.
   */
  public String issuer() {
    // by address, not "localhost": the server binds IPv4 loopback only
    return "http://" + HOST + ":" + server.baseUrl().port() + "/" + ID;
  }

  /** The settings that make it the platform's provider {@code dev}. */
  public Map<String, String> settings() {
    return Map.of(
        "OIDC_DEV_ISSUER", issuer(),
        "OIDC_DEV_CLIENT_ID", CLIENT_ID,
        "OIDC_DEV_CLIENT_SECRET", CLIENT_SECRET,
        "OIDC_DEV_NAME", NAME);
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** The claims a login form's username gives: the email too when it looks like one. */
  static JsonObject claimsOf(String username) {
    String name = username.strip();
    if (name.contains("@")) {
      return new JsonObject()
          .put("email", name.toLowerCase(Locale.ROOT))
          .put("email_verified", true)
          .put("name", name.substring(0, name.indexOf('@')));
    }
    String local = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "");
    return new JsonObject()
        .put("email", (local.isEmpty() ? "user" : local) + "@dev.emporium.test")
        .put("email_verified", true)
        .put("name", name);
  }

  /**
   * The mock server's HTTP server, with its login form's post completed: a post of {@code username}
   * alone gets the claims of {@link #claimsOf}; one that brings its own {@code claims} is left as
   * it is. Its token endpoint takes each authorization code it issued (in a redirect, or in the
   * page a {@code response_mode=form_post} login answers) once, as providers do (the mock alone
   * answers a used or unknown code with tokens).
   */
  private static final class LoginForm implements OAuth2HttpServer {
    private final OAuth2HttpServer server;
    private static final Pattern POSTED_CODE = Pattern.compile("name=\"code\" value=\"([^\"]*)\"");
    private final Set<String> issuedCodes = ConcurrentHashMap.newKeySet();

    LoginForm(OAuth2HttpServer server) {
      this.server = server;
    }

    @Override
    public OAuth2HttpServer start(
        InetAddress address,
        int port,
        Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
      server.start(address, port, request -> answer(handler, request));
      return this;
    }

    private OAuth2HttpResponse answer(
        Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler,
        OAuth2HttpRequest request) {
      String path = request.getOriginalUrl().encodedPath();
      if ("POST".equals(request.getMethod()) && path.endsWith("/token")) {
        Map<String, String> form = form(request.getBody());
        if ("authorization_code".equals(form.get("grant_type"))
            && !issuedCodes.remove(form.getOrDefault("code", ""))) {
          return new OAuth2HttpResponse(
              Headers.of("Content-Type", "application/json"),
              400,
              new JsonObject()
                  .put("error", "invalid_grant")
                  .put("error_description", "unknown or already used authorization code")
                  .encode(),
              null);
        }
      }
      OAuth2HttpResponse response = handler.invoke(completed(request));
      String location = response.getHeaders().get("Location");
      if (path.endsWith("/authorize") && location != null) {
        HttpUrl redirect = HttpUrl.parse(location);
        String code = redirect == null ? null : redirect.queryParameter("code");
        if (code != null) {
          issuedCodes.add(code);
        }
      } else if (path.endsWith("/authorize") && response.getBody() != null) {
        // response_mode=form_post: a page whose form posts the code back
        Matcher code = POSTED_CODE.matcher(response.getBody());
        if (code.find()) {
          issuedCodes.add(code.group(1));
        }
      }
      return response;
    }

    @Override
    public OAuth2HttpServer start(
        int port, Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
      try {
        return start(InetAddress.getByName(HOST), port, handler);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public OAuth2HttpServer start(
        Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
      return start(0, handler);
    }

    @Override
    public OAuth2HttpServer stop() {
      server.stop();
      return this;
    }

    @Override
    public void close() {
      server.close();
    }

    @Override
    public int port() {
      return server.port();
    }

    @Override
    public HttpUrl url(String path) {
      return server.url(path);
    }

    @Override
    public Ssl sslConfig() {
      return server.sslConfig();
    }

    private static Map<String, String> form(String body) {
      Map<String, String> form = new LinkedHashMap<>();
      if (body == null) {
        return form;
      }
      for (String pair : body.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return form;
    }

    private static OAuth2HttpRequest completed(OAuth2HttpRequest request) {
      if (!"POST".equals(request.getMethod())
          || !request.getOriginalUrl().encodedPath().endsWith("/authorize")
          || request.getBody() == null) {
        return request;
      }
      Map<String, String> form = form(request.getBody());
      String username = form.get("username");
      if (username == null || username.isBlank() || !form.getOrDefault("claims", "").isBlank()) {
        return request;
      }
      form.put("claims", claimsOf(username).encode());
      String body =
          form.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      return new OAuth2HttpRequest(
          request.getHeaders(), request.getMethod(), request.getOriginalUrl(), body);
    }
  }
}
