package io.emporium.edge.identity;

import io.emporium.common.config.EmporiumConfig.OidcProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured OpenID Connect providers and a client for each, made by OpenID discovery of its
 * issuer the first time it is needed (a provider that is down does not stop the edge) and kept; a
 * failed discovery is tried again on the next login. The client verifies ID tokens against the
 * issuer's JWKS, which it fetches again when the issuer's answer says it may have changed
 * (Cache-Control max-age) and, at most once a minute, when an ID token names a key it does not know
 * (a key rotated in without notice): that login fails, the next one verifies.
 */
public final class OidcProviders {
  private static final Logger LOG = LoggerFactory.getLogger(OidcProviders.class);
  private static final long DISCOVERY_WAIT_MS = 10_000;

  /** An unknown signing key fetches the issuer's keys again at most this often. */
  private static final long KEYS_REFETCH_MS = 60_000;

  private final Vertx vertx;
  private final Map<String, OidcProvider> providers = new LinkedHashMap<>();
  private final Map<String, Future<OAuth2Auth>> clients = new ConcurrentHashMap<>();

  public OidcProviders(Vertx vertx, List<OidcProvider> configured) {
    this.vertx = vertx;
    configured.forEach(p -> providers.put(p.id(), p));
  }

  /** The providers, in id order. */
  public List<OidcProvider> all() {
    return List.copyOf(providers.values());
  }

  public Optional<OidcProvider> byId(String id) {
    return Optional.ofNullable(id == null ? null : providers.get(id));
  }

  /** The provider's client, discovered once; fails while its issuer cannot be discovered. */
  public Future<OAuth2Auth> client(OidcProvider provider) {
    return clients.compute(
        provider.id(),
        (id, existing) -> existing != null && !existing.failed() ? existing : discover(provider));
  }

  private Future<OAuth2Auth> discover(OidcProvider provider) {
    OAuth2Options options =
        new OAuth2Options()
            .setSite(provider.issuer())
            .setClientId(provider.clientId())
            .setValidateIssuer(true)
            .setJWTOptions(new JWTOptions().setLeeway(30))
            .setHttpClientOptions(
                new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(30));
    if (provider.clientSecret() != null) {
      options.setClientSecret(provider.clientSecret());
    }
    Promise<OAuth2Auth> discovered = Promise.promise();
    OpenIDConnectAuth.discover(vertx, options)
        .timeout(DISCOVERY_WAIT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                LOG.info(
                    "discovered the OpenID provider {} at {}", provider.id(), provider.issuer());
                discovered.complete(refetchingUnknownKeys(provider, ar.result()));
              } else {
                LOG.warn(
                    "OpenID discovery of {} at {} failed: {}",
                    provider.id(),
                    provider.issuer(),
                    ar.cause().toString());
                discovered.fail(ar.cause());
              }
            });
    return discovered.future();
  }

  private static OAuth2Auth refetchingUnknownKeys(OidcProvider provider, OAuth2Auth client) {
    // when an unknown key last sent the client to the issuer
    AtomicLong fetchedAt = new AtomicLong(Long.MIN_VALUE / 2);
    return client.missingKeyHandler(
        kid -> {
          long now = System.currentTimeMillis();
          long last = fetchedAt.get();
          if (now - last < KEYS_REFETCH_MS || !fetchedAt.compareAndSet(last, now)) {
            return;
          }
          LOG.info(
              "an ID token of {} names the key {}, which its JWKS did not hold: fetching it again",
              provider.id(),
              kid);
          client
              .jWKSet()
              .onFailure(
                  e -> LOG.warn("fetching the keys of {} failed: {}", provider.id(), e.toString()));
        });
  }
}
