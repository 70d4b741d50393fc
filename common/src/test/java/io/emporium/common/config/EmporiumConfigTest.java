package io.emporium.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmporiumConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> s = new HashMap<>();
    s.put("DB_HOST", "db");
    s.put("DB_USER", "shop");
    s.put("JWT_SECRET", "x".repeat(32));
    s.put("REDIS_URL", "redis://cache:6379");
    s.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    s.put("SMTP_HOST", "mail");
    return s;
  }

  private static Map<String, String> with(String key, String value) {
    Map<String, String> s = minimal();
    s.put(key, value);
    return s;
  }

  @Test
  void defaultsApplyWhenOnlyTheRequiredSettingsAreGiven() {
    EmporiumConfig c = EmporiumConfig.from(minimal());
    assertThat(c.appPort).isEqualTo(8080);
    assertThat(c.database.port()).isEqualTo(5432);
    assertThat(c.database.name()).isEqualTo("emporium");
    assertThat(c.jwtExpiry).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.maxBodyBytes).isEqualTo(1024 * 1024);
    assertThat(c.imageMaxBytes).isEqualTo(5 * 1024 * 1024);
    assertThat(c.grpc.get(EmporiumConfig.Service.CATALOG).peerPort()).isEqualTo(9101);
    assertThat(c.stripeApiBase).isEqualTo("https://api.stripe.com");
    assertThat(c.stripeEmulated()).isTrue();
    assertThat(c.stripeEmulatorPort).isZero();
    assertThat(c.stripeEmulatorDataDir).isEqualTo(c.dataDir.resolve("stripe-emulator"));
    assertThat(c.stripeWebhookUrl).isEqualTo("http://127.0.0.1:8080/api/v1/payments/webhook");
    assertThat(c.devMailbox).isFalse();
    assertThat(c.imageBucket).as("images stay under DATA_DIR").isNull();
    assertThat(c.metricsPort).isEqualTo(9190);
    assertThat(c.metricsRefresh).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void rateLimitsAreOnWithStricterDefaultsForAuthAndCheckout() {
    EmporiumConfig.RateLimits limits = EmporiumConfig.from(minimal()).rateLimits;
    assertThat(limits.enabled()).isTrue();
    assertThat(limits.read().anonymous())
        .isEqualTo(new EmporiumConfig.RateLimit(300, Duration.ofMinutes(1)));
    assertThat(limits.read().user())
        .isEqualTo(new EmporiumConfig.RateLimit(600, Duration.ofMinutes(1)));
    assertThat(limits.auth().anonymous().requests())
        .isLessThan(limits.write().anonymous().requests());
    assertThat(limits.checkout().user().requests()).isLessThan(limits.write().user().requests());
    assertThat(limits.webhook())
        .isEqualTo(new EmporiumConfig.RateLimit(60_000, Duration.ofMinutes(1)));
  }

  @Test
  void aRateLimitIsRequestsPerWindow() {
    assertThat(EmporiumConfig.from(with("RATE_LIMIT_AUTH_USER", "10/30s")).rateLimits.auth().user())
        .isEqualTo(new EmporiumConfig.RateLimit(10, Duration.ofSeconds(30)));
    assertThat(EmporiumConfig.from(with("RATE_LIMIT_WEBHOOK", "5000/1h")).rateLimits.webhook())
        .isEqualTo(new EmporiumConfig.RateLimit(5000, Duration.ofHours(1)));
    assertThat(EmporiumConfig.from(with("RATE_LIMITS_ENABLED", "false")).rateLimits.enabled())
        .isFalse();
    for (String bad :
        List.of(
            "120", "0/1m", "-1/1m", "x/1m", "120/", "120/0", "120/500ms", "120/2d", "2000000/1m")) {
      assertThatThrownBy(() -> EmporiumConfig.from(with("RATE_LIMIT_READ_ANONYMOUS", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("RATE_LIMIT_READ_ANONYMOUS must be");
    }
    assertThatThrownBy(() -> EmporiumConfig.from(with("RATE_LIMITS_ENABLED", "yes")))
        .isInstanceOf(ConfigException.class);
  }

  private static Map<String, String> withBucket() {
    Map<String, String> s = with("S3_BUCKET", "shop-images");
    s.put("S3_ACCESS_KEY_ID", "AKIDEXAMPLE");
    s.put("S3_SECRET_ACCESS_KEY", "secret-example");
    return s;
  }

  @Test
  void aBucketDefaultsToAwsInUsEast1WithPathStyleAddressing() {
    EmporiumConfig.ImageBucket bucket = EmporiumConfig.from(withBucket()).imageBucket;
    assertThat(bucket.bucket()).isEqualTo("shop-images");
    assertThat(bucket.region()).isEqualTo("us-east-1");
    assertThat(bucket.endpoint()).isEqualTo("https://s3.us-east-1.amazonaws.com");
    assertThat(bucket.accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(bucket.secretAccessKey()).isEqualTo("secret-example");
    assertThat(bucket.pathStyle()).isTrue();
    assertThat(bucket.toString())
        .as("the secret stays out of logs")
        .doesNotContain("secret-example");

    Map<String, String> s = withBucket();
    s.put("S3_REGION", "eu-west-3");
    assertThat(EmporiumConfig.from(s).imageBucket.endpoint())
        .isEqualTo("https://s3.eu-west-3.amazonaws.com");
    s.put("S3_ENDPOINT", "http://127.0.0.1:9000/");
    s.put("S3_PATH_STYLE", "false");
    EmporiumConfig.ImageBucket minio = EmporiumConfig.from(s).imageBucket;
    assertThat(minio.endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(minio.region()).isEqualTo("eu-west-3");
    assertThat(minio.pathStyle()).isFalse();
  }

  @Test
  void aBucketNeedsBothKeysAndValidNames() {
    Map<String, String> noKey = withBucket();
    noKey.remove("S3_ACCESS_KEY_ID");
    assertThatThrownBy(() -> EmporiumConfig.from(noKey))
        .isInstanceOf(ConfigException.class)
        .hasMessage("S3_ACCESS_KEY_ID is required when S3_BUCKET is set");
    Map<String, String> noSecret = withBucket();
    noSecret.remove("S3_SECRET_ACCESS_KEY");
    assertThatThrownBy(() -> EmporiumConfig.from(noSecret))
        .hasMessage("S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set");
    assertThatThrownBy(() -> EmporiumConfig.from(with("S3_ENDPOINT", "http://127.0.0.1:9000")))
        .hasMessage("S3_BUCKET is required when S3_ENDPOINT is set");
    for (Map.Entry<String, String> bad :
        Map.of(
                "S3_BUCKET",
                "Shop_Images",
                "S3_REGION",
                "EU West",
                "S3_ENDPOINT",
                "127.0.0.1:9000",
                "S3_PATH_STYLE",
                "yes")
            .entrySet()) {
      Map<String, String> s = withBucket();
      s.put(bad.getKey(), bad.getValue());
      assertThatThrownBy(() -> EmporiumConfig.from(s))
          .as(bad.toString())
          .hasMessageStartingWith(bad.getKey() + " must be");
    }
    Map<String, String> withPath = withBucket();
    withPath.put("S3_ENDPOINT", "https://s3.example.com/shop-images");
    assertThatThrownBy(() -> EmporiumConfig.from(withPath))
        .hasMessageStartingWith("S3_ENDPOINT must be a base URL without a path");
  }

  @Test
  void everyFailureNamesTheVariable() {
    assertThatThrownBy(() -> EmporiumConfig.from(with("APP_PORT", "80a")))
        .hasMessageStartingWith("APP_PORT ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("DB_PORT", "70000")))
        .hasMessageStartingWith("DB_PORT ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("JWT_EXPIRY", "0")))
        .hasMessageStartingWith("JWT_EXPIRY ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("REDIS_URL", "localhost:6379")))
        .hasMessageStartingWith("REDIS_URL ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("CATALOG_GRPC_ADDRESS", "catalog")))
        .hasMessageStartingWith("CATALOG_GRPC_ADDRESS ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("PASSWORD_HASH_COST", "4")))
        .hasMessageStartingWith("PASSWORD_HASH_COST ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("IMAGE_MAX_BYTES", "5MB")))
        .hasMessageStartingWith("IMAGE_MAX_BYTES ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("IMAGE_MAX_BYTES", "100")))
        .hasMessageStartingWith("IMAGE_MAX_BYTES ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("STRIPE_SECRET_KEY", "pk_test_123")))
        .hasMessageStartingWith("STRIPE_SECRET_KEY ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("STRIPE_WEBHOOK_URL", "localhost/hook")))
        .hasMessageStartingWith("STRIPE_WEBHOOK_URL ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("STRIPE_EMULATOR_PORT", "-1")))
        .hasMessageStartingWith("STRIPE_EMULATOR_PORT ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("METRICS_PORT", "metrics")))
        .hasMessageStartingWith("METRICS_PORT ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("METRICS_REFRESH", "0")))
        .hasMessageStartingWith("METRICS_REFRESH ");
    assertThatThrownBy(() -> EmporiumConfig.from(with("ADMIN_EMAIL", "a@example.com")))
        .hasMessage("ADMIN_PASSWORD is required when ADMIN_EMAIL is set");
    Map<String, String> noKafka = minimal();
    noKafka.remove("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> EmporiumConfig.from(noKafka))
        .isInstanceOf(ConfigException.class)
        .hasMessage("KAFKA_BOOTSTRAP_SERVERS is required");
  }

  @Test
  void aStripeKeyTurnsTheEmulatorOffAndTheWebhookUrlFollowsTheAppPort() {
    Map<String, String> s = with("STRIPE_SECRET_KEY", "sk_live_abc");
    s.put("APP_PORT", "9090");
    EmporiumConfig c = EmporiumConfig.from(s);
    assertThat(c.stripeEmulated()).isFalse();
    assertThat(c.stripeWebhookUrl).isEqualTo("http://127.0.0.1:9090/api/v1/payments/webhook");
  }

  @Test
  void paypalDefaultsToTheEmulatorAndItsSettingsFollowTheAppPortAndDataDir() {
    Map<String, String> s = minimal();
    s.put("APP_PORT", "9090");
    s.put("DATA_DIR", "/var/emporium");
    EmporiumConfig c = EmporiumConfig.from(s);
    assertThat(c.paypalEmulated()).isTrue();
    assertThat(c.paypalApiBase).isEqualTo("https://api-m.paypal.com");
    assertThat(c.paypalClientId).isNull();
    assertThat(c.paypalClientSecret).isNull();
    assertThat(c.paypalWebhookId).isNull();
    assertThat(c.paypalWebhookUrl)
        .isEqualTo("http://127.0.0.1:9090/api/v1/payments/paypal/webhook");
    assertThat(c.paypalEmulatorPort).isZero();
    assertThat(c.paypalEmulatorDataDir).isEqualTo(Path.of("/var/emporium/paypal-emulator"));
  }

  @Test
  void paypalCredentialsTurnTheEmulatorOffAndNeedBothHalves() {
    Map<String, String> s = with("PAYPAL_CLIENT_ID", "AbC123");
    s.put("PAYPAL_CLIENT_SECRET", "EFG456");
    s.put("PAYPAL_API_BASE", "https://api-m.sandbox.paypal.com");
    s.put("PAYPAL_WEBHOOK_ID", "1JE4291016473214C");
    EmporiumConfig c = EmporiumConfig.from(s);
    assertThat(c.paypalEmulated()).isFalse();
    assertThat(c.paypalApiBase).isEqualTo("https://api-m.sandbox.paypal.com");
    assertThat(c.paypalClientId).isEqualTo("AbC123");
    assertThat(c.paypalClientSecret).isEqualTo("EFG456");
    assertThat(c.paypalWebhookId).isEqualTo("1JE4291016473214C");
    assertThatThrownBy(() -> EmporiumConfig.from(with("PAYPAL_CLIENT_ID", "AbC123")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("PAYPAL_CLIENT_SECRET is required when PAYPAL_CLIENT_ID is set");
    assertThatThrownBy(() -> EmporiumConfig.from(with("PAYPAL_API_BASE", "api-m.paypal.com")))
        .hasMessageStartingWith("PAYPAL_API_BASE must be a http:// URL");
    assertThatThrownBy(() -> EmporiumConfig.from(with("PAYPAL_EMULATOR_PORT", "70000")))
        .hasMessageStartingWith("PAYPAL_EMULATOR_PORT ");
  }

  @Test
  void aMissingOrShortJwtSecretIsFatal() {
    Map<String, String> none = minimal();
    none.remove("JWT_SECRET");
    assertThatThrownBy(() -> EmporiumConfig.from(none)).hasMessage("JWT_SECRET is required");
    assertThatThrownBy(() -> EmporiumConfig.from(with("JWT_SECRET", "x".repeat(31))))
        .hasMessageStartingWith("JWT_SECRET must be at least 32");
  }

  @Test
  void checkoutDefaultsToFlatShippingNoTaxAndASessionStripeAccepts() {
    EmporiumConfig.Checkout c = EmporiumConfig.from(minimal()).checkout;
    assertThat(c)
        .isEqualTo(
            new EmporiumConfig.Checkout(
                499,
                5_000,
                "*:0",
                Duration.ofMinutes(31),
                Duration.ofMinutes(10),
                Duration.ofSeconds(5),
                Duration.ofMinutes(2),
                Duration.ofMinutes(1)));
    assertThatThrownBy(() -> EmporiumConfig.from(with("CHECKOUT_SESSION_LIFETIME", "30s")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("CHECKOUT_SESSION_LIFETIME must be from 1m to 23h");
    assertThatThrownBy(() -> EmporiumConfig.from(with("CHECKOUT_SESSION_LIFETIME", "24h")))
        .isInstanceOf(ConfigException.class);
    assertThat(
            EmporiumConfig.from(with("CHECKOUT_SESSION_LIFETIME", "2h")).checkout.sessionLifetime())
        .isEqualTo(Duration.ofHours(2));
  }

  @Test
  void checkoutTimingsShortenDownToTheirSafeMinimums() {
    Map<String, String> quick = minimal();
    quick.putAll(
        Map.of(
            "CHECKOUT_SESSION_LIFETIME",
            "1m",
            "CHECKOUT_SWEEP_INTERVAL",
            "1s",
            "CHECKOUT_ABANDONED_AFTER",
            "15s",
            "CHECKOUT_OVERDUE_AFTER",
            "5s",
            "CHECKOUT_HOLD_MARGIN",
            "7s"));
    EmporiumConfig.Checkout c = EmporiumConfig.from(quick).checkout;
    assertThat(c.holdMargin()).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.abandonedAfter()).isEqualTo(Duration.ofSeconds(15));
    // the hold must outlast the sweeper's settling of a payment made in the last moment
    quick.put("CHECKOUT_HOLD_MARGIN", "6s");
    assertThatThrownBy(() -> EmporiumConfig.from(quick))
        .hasMessage("CHECKOUT_HOLD_MARGIN must be from 7s to 1h");
    quick.put("CHECKOUT_HOLD_MARGIN", "7s");
    // an order may still be getting its session while its three calls run to their deadlines
    quick.put("GRPC_DEADLINE", "6s");
    assertThatThrownBy(() -> EmporiumConfig.from(quick))
        .hasMessage("CHECKOUT_ABANDONED_AFTER must be from 18s to 1h");
    assertThatThrownBy(() -> EmporiumConfig.from(with("CHECKOUT_SWEEP_INTERVAL", "500ms")))
        .hasMessage("CHECKOUT_SWEEP_INTERVAL must be from 1s to 10m");
    assertThatThrownBy(() -> EmporiumConfig.from(with("CHECKOUT_OVERDUE_AFTER", "4s")))
        .hasMessage("CHECKOUT_OVERDUE_AFTER must be from 5s to 1h");
  }

  @Test
  void durationsTakeUnits() {
    assertThat(EmporiumConfig.from(with("JWT_EXPIRY", "900")).jwtExpiry)
        .isEqualTo(Duration.ofSeconds(900));
    assertThat(EmporiumConfig.from(with("JWT_EXPIRY", "2h")).jwtExpiry)
        .isEqualTo(Duration.ofHours(2));
    assertThat(EmporiumConfig.from(with("GRPC_DEADLINE", "250ms")).grpcDeadline)
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void theEnvironmentWinsOverTheConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("emporium.env");
    Files.writeString(
        file,
        "# settings\nAPP_PORT=9000\nDB_NAME=\"shop\"\n\nMAIL_FROM='Shop <shop@example.com>'\n");
    Map<String, String> env = minimal();
    env.put("APP_PORT", "9500");
    EmporiumConfig c = EmporiumConfig.from(ConfigSources.merge(file, env));
    assertThat(c.appPort).isEqualTo(9500);
    assertThat(c.database.name()).isEqualTo("shop");
    assertThat(c.smtp.from()).isEqualTo("Shop <shop@example.com>");
    Files.writeString(file, "NOT A SETTING\n");
    assertThatThrownBy(() -> ConfigSources.merge(file, env))
        .hasMessageContaining("expected KEY=VALUE");
  }

  @Test
  void theEventBusStaysInOneProcessUnlessClusteringIsEnabled() {
    EmporiumConfig.Cluster off = EmporiumConfig.from(minimal()).cluster;
    assertThat(off)
        .isEqualTo(
            new EmporiumConfig.Cluster(
                false, "emporium", "127.0.0.1", 5701, List.of(), "127.0.0.1", 0));

    Map<String, String> s = with("CLUSTER_ENABLED", "true");
    s.put("CLUSTER_HOST", "10.0.0.5");
    s.put("CLUSTER_MEMBERS", " 10.0.0.6:5701, edge-2.internal:5702 ,");
    s.put("CLUSTER_EVENT_BUS_PORT", "17001");
    EmporiumConfig.Cluster on = EmporiumConfig.from(s).cluster;
    assertThat(on.enabled()).isTrue();
    assertThat(on.members()).containsExactly("10.0.0.6:5701", "edge-2.internal:5702");
    assertThat(on.eventBusHost())
        .as("the event bus advertises the cluster host unless told otherwise")
        .isEqualTo("10.0.0.5");
    assertThat(on.eventBusPort()).isEqualTo(17001);
  }

  @Test
  void badClusterSettingsNameTheVariable() {
    Map<String, String> enabled = with("CLUSTER_ENABLED", "true");
    for (Map.Entry<String, String> bad :
        Map.of(
                "CLUSTER_ENABLED",
                "yes",
                "CLUSTER_PORT",
                "0",
                "CLUSTER_MEMBERS",
                "10.0.0.6",
                "CLUSTER_NAME",
                "two words",
                "CLUSTER_HOST",
                "10.0.0.5:5701",
                "CLUSTER_EVENT_BUS_PORT",
                "-1")
            .entrySet()) {
      Map<String, String> s = new HashMap<>(enabled);
      s.put(bad.getKey(), bad.getValue());
      assertThatThrownBy(() -> EmporiumConfig.from(s))
          .as(bad.toString())
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(bad.getKey() + " must");
    }
    Map<String, String> anyAddress = new HashMap<>(enabled);
    anyAddress.put("CLUSTER_HOST", "0.0.0.0");
    assertThatThrownBy(() -> EmporiumConfig.from(anyAddress))
        .as("the others could not dial it")
        .hasMessageStartingWith("CLUSTER_HOST must");
    assertThatThrownBy(() -> EmporiumConfig.from(with("CLUSTER_MEMBERS", "10.0.0.6:5701")))
        .hasMessage("CLUSTER_ENABLED=true is required when CLUSTER_MEMBERS is set");
  }

  @Test
  void oidcProvidersAreReadFromTheirPrefixedSettingsInIdOrder() {
    Map<String, String> s = minimal();
    s.put("OIDC_GOOGLE_ISSUER", "https://accounts.google.com");
    s.put("OIDC_GOOGLE_CLIENT_ID", "g-client");
    s.put("OIDC_GOOGLE_CLIENT_SECRET", "g-secret");
    s.put("OIDC_AZURE2_ISSUER", "https://login.microsoftonline.com/tenant/v2.0");
    s.put("OIDC_AZURE2_CLIENT_ID", "m-client");
    s.put("OIDC_AZURE2_NAME", "Microsoft");
    EmporiumConfig c = EmporiumConfig.from(s);
    assertThat(c.oidcProviders)
        .containsExactly(
            new EmporiumConfig.OidcProvider(
                "azure2",
                "Microsoft",
                "https://login.microsoftonline.com/tenant/v2.0",
                "m-client",
                null,
                "query"),
            new EmporiumConfig.OidcProvider(
                "google",
                "Google",
                "https://accounts.google.com",
                "g-client",
                "g-secret",
                "query"));
    assertThat(c.oidcProviders.get(1).toString()).doesNotContain("g-secret");
    assertThat(EmporiumConfig.from(minimal()).oidcProviders).isEmpty();
  }

  @Test
  void theResponseModeIsQueryOrFormPostAndFormPostForApple() {
    Map<String, String> s = minimal();
    s.put("OIDC_APPLE_ISSUER", "https://appleid.apple.com");
    s.put("OIDC_APPLE_CLIENT_ID", "com.example.web");
    s.put("OIDC_APPLE_CLIENT_SECRET", "es256-jwt");
    s.put("OIDC_GOOGLE_ISSUER", "https://accounts.google.com");
    s.put("OIDC_GOOGLE_CLIENT_ID", "g-client");
    s.put("OIDC_CORP_ISSUER", "https://id.example.com");
    s.put("OIDC_CORP_CLIENT_ID", "c");
    s.put("OIDC_CORP_RESPONSE_MODE", "form_post");
    EmporiumConfig c = EmporiumConfig.from(s);
    assertThat(c.oidcProviders)
        .extracting(EmporiumConfig.OidcProvider::id, EmporiumConfig.OidcProvider::responseMode)
        .containsExactly(
            tuple("apple", "form_post"), tuple("corp", "form_post"), tuple("google", "query"));
    assertThat(c.oidcProviders.get(0).formPost()).isTrue();
    assertThat(c.oidcProviders.get(2).formPost()).isFalse();

    s.put("OIDC_APPLE_RESPONSE_MODE", "query");
    assertThat(EmporiumConfig.from(s).oidcProviders.get(0).responseMode()).isEqualTo("query");
    for (String bad : List.of("fragment", "FORM_POST", "form-post")) {
      s.put("OIDC_CORP_RESPONSE_MODE", bad);
      assertThatThrownBy(() -> EmporiumConfig.from(s))
          .hasMessage("OIDC_CORP_RESPONSE_MODE must be query or form_post, got '" + bad + "'");
    }
  }

  @Test
  void anOidcProviderNeedsAnHttpsIssuerAndAClientId() {
    Map<String, String> noClient = with("OIDC_GOOGLE_ISSUER", "https://accounts.google.com");
    assertThatThrownBy(() -> EmporiumConfig.from(noClient))
        .hasMessage("OIDC_GOOGLE_CLIENT_ID is required");
    Map<String, String> noIssuer = with("OIDC_GOOGLE_CLIENT_ID", "g");
    assertThatThrownBy(() -> EmporiumConfig.from(noIssuer))
        .hasMessageStartingWith("OIDC_GOOGLE_ISSUER is required");
    Map<String, String> plain = with("OIDC_CORP_ISSUER", "http://id.example.com");
    plain.put("OIDC_CORP_CLIENT_ID", "c");
    assertThatThrownBy(() -> EmporiumConfig.from(plain))
        .hasMessageStartingWith("OIDC_CORP_ISSUER must be an https:// URL");
    Map<String, String> local = with("OIDC_DEV_ISSUER", "http://127.0.0.1:9999/dev");
    local.put("OIDC_DEV_CLIENT_ID", "c");
    assertThat(EmporiumConfig.from(local).oidcProviders.get(0).issuer())
        .isEqualTo("http://127.0.0.1:9999/dev");
    assertThatThrownBy(() -> EmporiumConfig.from(with("OIDC_MY_CORP_ISSUER", "https://x.example")))
        .hasMessageStartingWith("OIDC_MY_CORP_ISSUER is not a provider setting");
    assertThatThrownBy(() -> EmporiumConfig.from(with("OIDC_GOOGLE_SCOPE", "openid")))
        .hasMessageStartingWith("OIDC_GOOGLE_SCOPE is not a provider setting");
  }

  @Test
  void theRedirectAllowlistTakesOriginsWithAnyPortOrAPathPrefix() {
    EmporiumConfig c =
        EmporiumConfig.from(
            with(
                "OAUTH_REDIRECT_ALLOWLIST",
                "https://shop.example.com/auth, http://localhost:*,https://app.example.com:8443"));
    assertThat(c.oauthRedirectAllowlist)
        .containsExactly(
            "http://localhost:*", "https://app.example.com:8443", "https://shop.example.com/auth");
    assertThat(EmporiumConfig.from(minimal()).oauthRedirectAllowlist).isEmpty();
    for (String bad :
        List.of(
            "shop.example.com",
            "ftp://shop.example.com",
            "https://user@shop.example.com",
            "https://shop.example.com/?next=1",
            "https://shop.example.com/#x")) {
      assertThatThrownBy(() -> EmporiumConfig.from(with("OAUTH_REDIRECT_ALLOWLIST", bad)))
          .as(bad)
          .hasMessageStartingWith("OAUTH_REDIRECT_ALLOWLIST entries must be");
    }
  }

  @Test
  void theCallbackBaseDefaultsToTheEdgeOnLocalhost() {
    assertThat(EmporiumConfig.from(with("APP_PORT", "9000")).oauthCallbackBase)
        .isEqualTo("http://localhost:9000");
    assertThat(
            EmporiumConfig.from(with("OAUTH_CALLBACK_BASE", "https://api.shop.example/"))
                .oauthCallbackBase)
        .isEqualTo("https://api.shop.example");
  }
}
