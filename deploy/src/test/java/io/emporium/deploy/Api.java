package io.emporium.deploy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

/** A REST client for tests: real HTTP to the platform, answers awaited on the test thread. */
public final class Api {
  private static final Vertx VERTX = Vertx.vertx();

  private final WebClient client;
  private final String localAddress;

  private Api(WebClient client, String localAddress) {
    this.client = client;
    this.localAddress = localAddress;
  }

  static Api connect(int port, String localAddress) {
    return new Api(WebClient.create(VERTX, options(port, localAddress)), localAddress);
  }

  /**
   * A client whose requests all go over one connection, so one edge event loop serves them all; a
   * pooled client may open a second connection while the first is being handed back.
   */
  static Api oneConnection(int port, String localAddress) {
    return new Api(
        WebClient.create(VERTX, options(port, localAddress), new PoolOptions().setHttp1MaxSize(1)),
        localAddress);
  }

  private static WebClientOptions options(int port, String localAddress) {
    return new WebClientOptions()
        .setDefaultHost("localhost")
        .setDefaultPort(port)
        .setLocalAddress(localAddress);
  }

  /** The address this client's requests come from, as the platform sees it. */
  public String localAddress() {
    return localAddress;
  }

  /** One answer: status, headers and body. */
  public record Response(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body == null ? null : body.toJsonObject();
    }

    public JsonArray jsonArray() {
      return body == null ? null : body.toJsonArray();
    }

    public String header(String name) {
      return headers.get(name);
    }

    @Override
    public String toString() {
      return status + " " + (body == null ? "" : body.toString());
    }
  }

  public Response get(String path, String token) {
    return send(HttpMethod.GET, path, token, null, Map.of());
  }

  public Response get(String path) {
    return get(path, null);
  }

  public Response post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, null, body, Map.of());
  }

  public Response post(String path, String token, JsonObject body) {
    return send(HttpMethod.POST, path, token, body, Map.of());
  }

  public Response patch(String path, String token, JsonObject body) {
    return send(HttpMethod.PATCH, path, token, body, Map.of());
  }

  public Response delete(String path, String token) {
    return send(HttpMethod.DELETE, path, token, null, Map.of());
  }

  public Response send(
      HttpMethod method, String path, String token, JsonObject body, Map<String, String> headers) {
    return raw(method, path, token, body == null ? null : body.toBuffer(), withJson(body, headers));
  }

  private static Map<String, String> withJson(JsonObject body, Map<String, String> headers) {
    if (body == null || headers.containsKey("Content-Type")) {
      return headers;
    }
    java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
    all.put("Content-Type", "application/json");
    return all;
  }

  /** Any request, bytes as given. */
  public Response raw(
      HttpMethod method, String path, String token, Buffer body, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, path).timeout(30_000);
    headers.forEach(request::putHeader);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    HttpResponse<Buffer> response =
        (body == null ? request.send() : request.sendBuffer(body)).await();
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  /** A GET whose redirect is answered as it is, not followed. */
  public Response getUnfollowed(String path, String token) {
    HttpRequest<Buffer> request =
        client.request(HttpMethod.GET, path).followRedirects(false).timeout(30_000);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    HttpResponse<Buffer> response = request.send().await();
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  /** A {@code multipart/form-data} POST with one file part, bytes as given. */
  public Response upload(
      String path, String token, String part, String fileName, String contentType, Buffer content) {
    HttpRequest<Buffer> request = client.post(path).timeout(30_000);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    HttpResponse<Buffer> response =
        request
            .sendMultipartForm(
                MultipartForm.create().binaryFileUpload(part, fileName, content, contentType))
            .await();
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  /** Polls until the answer satisfies the condition (for work that happens after the response). */
  public Response await(
      Duration timeout, java.util.function.Supplier<Response> call, Predicate<Response> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Response last = call.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = call.get();
    }
    return last;
  }
}
