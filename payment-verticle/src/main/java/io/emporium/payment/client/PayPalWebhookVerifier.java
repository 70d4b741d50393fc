package io.emporium.payment.client;

import io.emporium.common.problem.ApiProblem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * PayPal's webhook signature, verified offline as PayPal specifies: the certificate at {@code
 * PAYPAL-CERT-URL} (fetched only from PayPal's own hosts or the configured API base, never
 * following redirects, and kept) signs with SHA256withRSA the text {@code
 * transmissionId|transmissionTime|webhookId|crc32(body)}, the CRC32 as an unsigned decimal. A
 * transmission more than five minutes off is refused, as Stripe's stale signatures are.
 */
public final class PayPalWebhookVerifier {
  public static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final String ALGORITHM = "SHA256withRSA";
  private static final int MAX_CERT_BYTES = 64 * 1024;
  private static final int CACHED_CERTS = 32;
  private static final long FETCH_TIMEOUT_MS = 10_000;

  /** The {@code PAYPAL-*} headers of a delivery. */
  public record Headers(
      String transmissionId,
      String transmissionTime,
      String transmissionSig,
      String certUrl,
      String authAlgo) {}

  private final WebClient web;
  private final URI apiBase;
  private final String webhookId;
  private final Map<String, X509Certificate> certs =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
              return size() > CACHED_CERTS;
            }
          });

  public PayPalWebhookVerifier(Vertx vertx, String apiBase, String webhookId) {
    this.apiBase = URI.create(apiBase);
    this.webhookId = webhookId;
    this.web =
        WebClient.create(
            vertx, new WebClientOptions().setFollowRedirects(false).setConnectTimeout(5_000));
  }

  /** Succeeds when PayPal signed {@code body} with these headers; else a 400 problem. */
  public Future<Void> verify(byte[] body, Headers h, Instant now) {
    if (webhookId == null || webhookId.isBlank()) {
      return Future.failedFuture(
          ApiProblem.badRequest("PayPal webhooks are not accepted: PAYPAL_WEBHOOK_ID is not set."));
    }
    if (blank(h.transmissionId())
        || blank(h.transmissionTime())
        || blank(h.transmissionSig())
        || blank(h.certUrl())) {
      return Future.failedFuture(
          ApiProblem.badRequest(
              "Missing PAYPAL-TRANSMISSION-ID, -TIME, -SIG or PAYPAL-CERT-URL header."));
    }
    if (!blank(h.authAlgo()) && !ALGORITHM.equalsIgnoreCase(h.authAlgo())) {
      return Future.failedFuture(
          ApiProblem.badRequest("Invalid PayPal signature: unknown PAYPAL-AUTH-ALGO."));
    }
    Instant sent = time(h.transmissionTime());
    if (sent == null || Duration.between(sent, now).abs().compareTo(TOLERANCE) > 0) {
      return Future.failedFuture(
          ApiProblem.badRequest(
              "Invalid PayPal signature: its transmission time is missing, stale or in the future."));
    }
    if (!allowedCertUrl(h.certUrl(), apiBase)) {
      return Future.failedFuture(
          ApiProblem.badRequest("Invalid PayPal signature: the certificate is not PayPal's."));
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(h.transmissionSig().strip());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiProblem.badRequest("Invalid PayPal signature: not base64."));
    }
    String signed = signedText(h.transmissionId(), h.transmissionTime(), webhookId, body);
    return certificate(h.certUrl())
        .compose(
            cert -> {
              try {
                cert.checkValidity();
                Signature rsa = Signature.getInstance(ALGORITHM);
                rsa.initVerify(cert.getPublicKey());
                rsa.update(signed.getBytes(StandardCharsets.UTF_8));
                if (rsa.verify(signature)) {
                  return Future.<Void>succeededFuture();
                }
              } catch (GeneralSecurityException | RuntimeException e) {
                // refused below
              }
              return Future.failedFuture(
                  ApiProblem.badRequest("Invalid PayPal signature: it does not verify."));
            });
  }

  /** What PayPal signs: {@code transmissionId|transmissionTime|webhookId|crc32(body)}. */
  public static String signedText(
      String transmissionId, String transmissionTime, String webhookId, byte[] body) {
    return transmissionId + "|" + transmissionTime + "|" + webhookId + "|" + crc32(body);
  }

  /** The body's CRC32 as an unsigned decimal, as PayPal signs it. */
  public static String crc32(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return Long.toString(crc.getValue());
  }

  /**
   * Whether a certificate may be fetched from {@code certUrl}: over https from {@code paypal.com}
   * or one of its subdomains, or from the configured API base itself (same scheme, host and port;
   * the emulator in development and tests).
   */
  public static boolean allowedCertUrl(String certUrl, URI apiBase) {
    URI url;
    try {
      url = new URI(certUrl);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    String host = url.getHost();
    if (host == null || url.getUserInfo() != null || url.getScheme() == null) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https") && (host.equals("paypal.com") || host.endsWith(".paypal.com"))) {
      return true;
    }
    return apiBase.getHost() != null
        && host.equals(apiBase.getHost().toLowerCase(Locale.ROOT))
        && scheme.equals(apiBase.getScheme().toLowerCase(Locale.ROOT))
        && port(url) == port(apiBase);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  private Future<X509Certificate> certificate(String url) {
    X509Certificate cached = certs.get(url);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return web.requestAbs(HttpMethod.GET, url)
        .timeout(FETCH_TIMEOUT_MS)
        .send()
        .recover(
            e ->
                Future.failedFuture(
                    ApiProblem.badRequest(
                        "Invalid PayPal signature: its certificate could not be fetched.")))
        .compose(
            (HttpResponse<Buffer> response) -> {
              Buffer pem = response.body();
              if (response.statusCode() != 200 || pem == null || pem.length() > MAX_CERT_BYTES) {
                return Future.failedFuture(
                    ApiProblem.badRequest(
                        "Invalid PayPal signature: its certificate could not be fetched."));
              }
              try {
                X509Certificate cert =
                    (X509Certificate)
                        CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(pem.getBytes()));
                certs.put(url, cert);
                return Future.succeededFuture(cert);
              } catch (GeneralSecurityException | RuntimeException e) {
                return Future.failedFuture(
                    ApiProblem.badRequest(
                        "Invalid PayPal signature: its certificate is not a certificate."));
              }
            });
  }

  private static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  public Future<Void> close() {
    web.close();
    return Future.succeededFuture();
  }
}
