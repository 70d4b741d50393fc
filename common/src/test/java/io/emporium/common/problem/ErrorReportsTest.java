package io.emporium.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.emporium.common.config.EmporiumConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * What reaches Sentry: the tags an operator needs, and nothing that identifies or authenticates a
 * person.
 */
class ErrorReportsTest {

  @Test
  void textsLoseEmailsTokensSecretsAndCardNumbers() {
    String jwt =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    String text =
        "login of ann.lee+shop@example.co.uk failed; Authorization: Bearer abc.def.ghi; token "
            + jwt
            + "; key sk_test_4eC39HqLyjWDarjtT1zdp7dc, whsec_0123456789abcdef; card 4242 4242 4242 4242; order 42";
    String scrubbed = ErrorReports.scrub(text);
    assertThat(scrubbed)
        .doesNotContain(
            "ann.lee",
            "example.co.uk",
            "abc.def.ghi",
            jwt,
            "sk_test_4eC39",
            "whsec_0123",
            "4242 4242")
        .contains("[email]", "Bearer [token]", "[token]", "[secret]", "[digits]", "order 42");
  }

  @Test
  void aServerErrorArrivesWithItsTagsAndWithoutPersonalData() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer sentry =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sentry.createContext(
        "/",
        exchange -> {
          received.add(
              exchange.getRequestURI().getPath()
                  + "\n"
                  + body(
                      exchange.getRequestBody(),
                      "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    sentry.start();
    try {
      String dsn = "http://publickey@127.0.0.1:" + sentry.getAddress().getPort() + "/42";
      assertThat(
              ErrorReports.start(new EmporiumConfig.ErrorTracking(dsn, "test", "emporium@9.9.9")))
          .isTrue();
      ErrorReports.serverError(
          "catalog",
          "req-123",
          "GET",
          "/api/v1/products/:id",
          500,
          new IllegalStateException(
              "no row for jane@example.com with Bearer eyJabcdefgh.eyJabcdefgh.sigabcdefgh"));
      ErrorReports.parked(
          "realtime",
          "realtime-mail-ordering",
          "ordering.events",
          "e-1",
          5,
          "SMTP 550 for bob@example.org");
      ErrorReports.stop();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (received.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(received).as("envelopes sent to the DSN").hasSize(2);
      String all = String.join("\n", received);
      assertThat(all)
          .contains(
              "/api/42/envelope/",
              "\"service\":\"catalog\"",
              "\"request_id\":\"req-123\"",
              "\"route\":\"/api/v1/products/:id\"",
              "\"release\":\"emporium@9.9.9\"",
              "\"environment\":\"test\"",
              "IllegalStateException",
              "\"consumer\":\"realtime-mail-ordering\"",
              "\"source\":\"ordering.events\"");
      assertThat(all)
          .doesNotContain("jane@example.com", "bob@example.org", "eyJabcdefgh")
          .contains("[email]");
    } finally {
      ErrorReports.stop();
      sentry.stop(0);
    }
  }

  private static String body(InputStream in, boolean gzip) throws IOException {
    try (InputStream body = gzip ? new GZIPInputStream(in) : in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      body.transferTo(out);
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
