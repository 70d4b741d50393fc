package io.emporium.edge;

import io.emporium.common.config.ConfigException;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.config.EmporiumConfig.Service;
import io.emporium.common.db.Database;
import io.emporium.common.events.AuditTrail;
import io.emporium.common.events.EventConsumer;
import io.emporium.common.events.OutboxRelay;
import io.emporium.common.events.ParkedMessages;
import io.emporium.common.events.ParkingAdmin;
import io.emporium.common.grpc.CallerSignature;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.common.grpc.GrpcServers;
import io.emporium.edge.audit.AuditLog;
import io.emporium.edge.cache.CatalogCache;
import io.emporium.edge.cache.CatalogChangeFeed;
import io.emporium.edge.cache.NearCache;
import io.emporium.edge.http.ApiDocsRoutes;
import io.emporium.edge.http.Authn;
import io.emporium.edge.http.Endpoint;
import io.emporium.edge.http.EventBusBridge;
import io.emporium.edge.http.HealthRoutes;
import io.emporium.edge.http.Problems;
import io.emporium.edge.http.RateLimits;
import io.emporium.edge.http.RequestIds;
import io.emporium.edge.http.RequestText;
import io.emporium.edge.http.ServiceRoutes;
import io.emporium.edge.http.account.AccountRoutes;
import io.emporium.edge.http.account.AuthRoutes;
import io.emporium.edge.http.account.SocialLoginRoutes;
import io.emporium.edge.http.admin.AdminAuditRoutes;
import io.emporium.edge.http.admin.AdminCategoryRoutes;
import io.emporium.edge.http.admin.AdminOrderRoutes;
import io.emporium.edge.http.admin.AdminParkingRoutes;
import io.emporium.edge.http.admin.AdminProductRoutes;
import io.emporium.edge.http.admin.AdminReportRoutes;
import io.emporium.edge.http.admin.AdminSettingsRoutes;
import io.emporium.edge.http.admin.AdminUserRoutes;
import io.emporium.edge.http.admin.DiscountRoutes;
import io.emporium.edge.http.seller.InventoryRoutes;
import io.emporium.edge.http.seller.ProductImageRoutes;
import io.emporium.edge.http.seller.SellerOrderRoutes;
import io.emporium.edge.http.seller.SellerProductRoutes;
import io.emporium.edge.http.shop.CartRoutes;
import io.emporium.edge.http.shop.CategoryRoutes;
import io.emporium.edge.http.shop.CheckoutRoutes;
import io.emporium.edge.http.shop.ImageRoutes;
import io.emporium.edge.http.shop.InvoiceRoutes;
import io.emporium.edge.http.shop.OrderRoutes;
import io.emporium.edge.http.shop.ProductRoutes;
import io.emporium.edge.http.shop.RecommendationRoutes;
import io.emporium.edge.http.shop.ReviewRoutes;
import io.emporium.edge.http.shop.StorefrontRoutes;
import io.emporium.edge.http.shop.WishlistRoutes;
import io.emporium.edge.identity.AccessTokens;
import io.emporium.edge.identity.AuthThrottle;
import io.emporium.edge.identity.FixedWindowCounter;
import io.emporium.edge.identity.IdentityService;
import io.emporium.edge.identity.OidcProviders;
import io.emporium.edge.identity.Passwords;
import io.emporium.edge.identity.SocialLogin;
import io.emporium.edge.identity.domain.EmailAddresses;
import io.emporium.edge.identity.domain.PasswordPolicy;
import io.emporium.edge.identity.domain.RedirectAllowlist;
import io.emporium.edge.identity.grpc.IdentityRpcs;
import io.emporium.edge.identity.publish.AccessChanges;
import io.emporium.edge.identity.publish.IdentityEvents;
import io.emporium.edge.identity.store.AddressStore;
import io.emporium.edge.identity.store.SessionStore;
import io.emporium.edge.identity.store.SocialLoginStore;
import io.emporium.edge.identity.store.UserStore;
import io.emporium.proto.catalog.v1.CatalogGrpcService;
import io.emporium.proto.identity.v1.IdentityGrpcService;
import io.emporium.proto.ordering.v1.OrderingGrpcService;
import io.emporium.proto.payment.v1.PaymentGrpcService;
import io.emporium.proto.realtime.v1.RealtimeGrpcService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: REST {@code /api/v1}, identity (also served to the other services over gRPC),
 * health, metrics; other services reached over gRPC.
 */
public final class EdgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeVerticle.class);
  private static final Duration DRAIN = Duration.ofSeconds(10);
  private static final int MAX_REQUEST_LINE = 32 * 1024;

  private final EmporiumConfig config;
  private final PrometheusMeterRegistry registry;
  private Pool pool;
  private Redis redis;
  private KafkaAdminClient kafkaAdmin;
  private GrpcClient grpc;
  private GrpcClient catalogGrpc;
  private CallerSignature callerSignature;
  private OutboxRelay relay;
  private CatalogCache catalogCache;
  private CatalogChangeFeed catalogChanges;
  private EventConsumer auditEvents;
  private ParkedMessages parked;
  private long parkedRecount = -1;
  private HttpServer server;

  /** The plain HTTP listener that redirects to HTTPS, when there is one. */
  private HttpServer redirectServer;

  private HttpServer grpcServer;
  private ApiDocsRoutes docs;
  private Router routes;
  private EventBusBridge bridge;

  public EdgeVerticle(EmporiumConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    if (config.adminEmail != null) {
      if (!EmailAddresses.isValid(config.adminEmail)) {
        return Future.failedFuture(new ConfigException("ADMIN_EMAIL is not a valid email address"));
      }
      var weak = PasswordPolicy.check(config.adminPassword, config.adminEmail, null);
      if (weak.isPresent()) {
        return Future.failedFuture(new ConfigException("ADMIN_PASSWORD " + weak.get()));
      }
    }
    return Database.prepareSchema(vertx, config, "identity")
        // made here, off the request path, so the upload handler never has to
        .compose(v -> vertx.fileSystem().mkdirs(uploads().toString()))
        .compose(v -> ApiDocsRoutes.load(vertx))
        .compose(
            loaded -> {
              docs = loaded;
              return Passwords.create(vertx, config.passwordHashCost);
            })
        .compose(
            passwords -> {
              pool = Database.pool(vertx, config, "identity", 16);
              // named, or the pool's metrics carry a random id
              redis =
                  Redis.createClient(
                      vertx,
                      new RedisOptions()
                          .setConnectionString(config.redisUrl)
                          .setPoolName("edge")
                          .setMaxPoolSize(16)
                          .setMaxPoolWaiting(256));
              kafkaAdmin =
                  KafkaAdminClient.create(
                      vertx,
                      Map.of(
                          "bootstrap.servers",
                          config.kafkaBootstrapServers,
                          "request.timeout.ms",
                          "2000",
                          "default.api.timeout.ms",
                          "2000"));
              grpc =
                  GrpcServers.client(
                      vertx,
                      config,
                      new GrpcClientOptions().setScheduleDeadlineAutomatically(true));
              // image bytes travel to and from the catalog: larger messages and flow-control
              // windows for that peer only
              catalogGrpc =
                  GrpcServers.client(
                      vertx,
                      config,
                      new GrpcClientOptions()
                          .setScheduleDeadlineAutomatically(true)
                          .setMaxMessageSize(GrpcServers.maxMessageBytes(config.imageMaxBytes)),
                      new HttpClientOptions()
                          .setHttp2ClearTextUpgrade(false)
                          .setHttp2ConnectionWindowSize(GrpcServers.WINDOW)
                          .setInitialSettings(
                              new Http2Settings().setInitialWindowSize(GrpcServers.WINDOW)));
              callerSignature = new CallerSignature(config.jwtSecret);
              relay = new OutboxRelay(vertx, pool, config, "identity").start();
              parked = new ParkedMessages(pool, "identity", "edge", registry);
              parkedRecount =
                  vertx.setPeriodic(1, config.metricsRefresh.toMillis(), id -> parked.recount());
              NearCache near = NearCache.of(vertx, config.nearCache);
              catalogCache = new CatalogCache(redis, near);
              catalogChanges =
                  new CatalogChangeFeed(vertx, catalogCache, config.kafkaBootstrapServers);

              AuditLog auditLog = new AuditLog(pool);
              auditEvents =
                  new EventConsumer(
                      vertx,
                      pool,
                      "identity",
                      parked,
                      registry,
                      "edge-audit-log",
                      config.kafkaBootstrapServers,
                      AuditTrail.TOPIC,
                      config.eventRetry,
                      (tx, eventId, type, key, value) -> auditLog.append(tx, value));

              UserStore users = new UserStore(pool);
              IdentityEvents identityEvents = new IdentityEvents();
              IdentityService identity =
                  new IdentityService(
                      pool,
                      users,
                      new SessionStore(),
                      identityEvents,
                      new AccessChanges(vertx.eventBus()),
                      passwords,
                      new AccessTokens(vertx, config.jwtSecret, config.jwtExpiry),
                      new AuthThrottle(redis, config.loginLimits),
                      config.refreshTokenTtl);
              SocialLogin social =
                  new SocialLogin(
                      pool,
                      new OidcProviders(vertx, config.oidcProviders),
                      new SocialLoginStore(pool),
                      users,
                      identityEvents,
                      passwords,
                      identity,
                      new RedirectAllowlist(config.oauthRedirectAllowlist),
                      config.oauthCallbackBase,
                      config.storefrontUrl);
              routes = router(identity, social, users, auditLog);
              Future<Boolean> admin =
                  config.adminEmail == null
                      ? Future.succeededFuture(false)
                      : identity.bootstrapAdmin(
                          EmailAddresses.normalize(config.adminEmail), config.adminPassword);
              return admin
                  .compose(
                      created ->
                          catalogChanges
                              .start()
                              .compose(v -> auditEvents.start())
                              .compose(v -> bridge.listening())
                              .compose(v -> serveIdentity(users))
                              .map(created))
                  .compose(
                      created -> {
                        if (created) {
                          LOG.info("created the bootstrap admin {}", config.adminEmail);
                        }
                        // no per-message deflate for WebSockets: bridge messages are small, and
                        // each connection's zlib state cost
                        // ~100 KiB and doubled the delay at 10 000 sockets
                        // (deploy/bench/realtime.sh, docs/benchmarks.md)
                        HttpServerOptions options =
                            new HttpServerOptions()
                                .setPort(config.appPort)
                                .setCompressionSupported(true)
                                .setPerMessageWebSocketCompressionSupported(false)
                                .setPerFrameWebSocketCompressionSupported(false)
                                // room for long search filters; past it the answer is a 414
                                // problem, not a bare status
                                .setMaxInitialLineLength(MAX_REQUEST_LINE);
                        if (config.tls != null) {
                          options
                              .setSsl(true)
                              .setUseAlpn(true)
                              .setEnabledSecureTransportProtocols(config.tls.versions())
                              .setKeyCertOptions(
                                  new PemKeyCertOptions()
                                      .setCertPath(config.tls.certFile())
                                      .setKeyPath(config.tls.keyFile()));
                        }
                        return vertx
                            .createHttpServer(options)
                            .requestHandler(routes)
                            .invalidRequestHandler(Problems::invalidRequest)
                            .listen()
                            .compose(s -> redirectToHttps().map(s));
                      });
            })
        .onSuccess(s -> server = s);
  }

  /**
   * With HTTPS and {@code HTTP_REDIRECT_PORT}, plain HTTP on that port answers 308 to the same URL
   * over HTTPS.
   */
  private Future<?> redirectToHttps() {
    if (config.tls == null || config.tls.redirectPort() == 0) {
      return Future.succeededFuture();
    }
    String port = config.appPort == 443 ? "" : ":" + config.appPort;
    return vertx
        .createHttpServer(new HttpServerOptions().setPort(config.tls.redirectPort()))
        .requestHandler(
            request -> {
              String host = request.authority() == null ? "localhost" : request.authority().host();
              request
                  .response()
                  .setStatusCode(308)
                  .putHeader("Location", "https://" + host + port + request.uri())
                  .putHeader("Content-Length", "0")
                  .end();
            })
        .listen()
        .onSuccess(s -> redirectServer = s);
  }

  /**
   * Identity's gRPC contract for the other services, on its own port (shared by the edge's
   * instances, like the HTTP port).
   */
  private Future<Void> serveIdentity(UserStore users) {
    return GrpcServers.serve(
            vertx,
            config,
            config.grpc.get(Service.EDGE).port(),
            IdentityGrpcService.SERVICE_NAME,
            () -> pool.query("SELECT 1").execute().map(true),
            callerSignature,
            endpoints -> new IdentityRpcs(users).bind(endpoints))
        .onSuccess(s -> grpcServer = s)
        .mapEmpty();
  }

  private Router router(
      IdentityService identity, SocialLogin social, UserStore users, AuditLog auditLog) {
    Router router = Router.router(vertx);
    // HEAD is GET without the body (Vert.x leaves the body out of a HEAD response)
    router
        .route()
        .method(HttpMethod.HEAD)
        .handler(
            ctx -> {
              ctx.put(Endpoint.HEAD, true);
              ctx.reroute(HttpMethod.GET, ctx.request().uri());
            });
    router.route().handler(RequestIds::handle);
    if (config.tls != null) {
      // browsers that once came over HTTPS never try plain HTTP for this host again for a year
      router
          .route()
          .handler(
              ctx -> {
                ctx.response().putHeader("Strict-Transport-Security", "max-age=31536000");
                ctx.next();
              });
    }
    if (!config.corsAllowedOrigins.isEmpty()) {
      CorsHandler cors =
          CorsHandler.create()
              .addOrigins(config.corsAllowedOrigins.stream().toList())
              .allowedMethods(
                  Set.of(
                      HttpMethod.GET,
                      HttpMethod.POST,
                      HttpMethod.PUT,
                      HttpMethod.PATCH,
                      HttpMethod.DELETE))
              .allowedHeaders(
                  Set.of(
                      "Authorization",
                      "Content-Type",
                      "X-Request-Id",
                      "Idempotency-Key",
                      "X-Cart-Token",
                      "X-Order-Token"))
              .exposedHeaders(
                  Stream.concat(
                          Stream.of("X-Request-Id", "X-Cart-Token", "Retry-After", "Location"),
                          RateLimits.HEADERS.stream())
                      .collect(Collectors.toSet()))
              .maxAgeSeconds(600)
              // sockjs-client reads /eventbus/info with credentials and gives up without this;
              // the edge sets no cookies
              .allowCredentials(true);
      // a provider's form POST back to a social login's callback comes from the provider's page:
      // a top-level navigation, not a script's request, so no origin of ours to check
      router
          .route()
          .handler(
              ctx -> {
                if (SocialLoginRoutes.isPostedCallback(ctx)) {
                  ctx.next();
                } else {
                  cors.handle(ctx);
                }
              });
    }
    router.route().handler(new RequestText(docs.described())::check);
    // before the body handler: SockJS reads its own request bodies
    bridge =
        new EventBusBridge(
            vertx,
            identity,
            peer(Service.REALTIME, "realtime"),
            peer(Service.ORDERING, "ordering"));
    router.route(EventBusBridge.PATH).subRouter(templateNames(bridge.router(), "/eventbus"));
    router
        .post(ProductImageRoutes.UPLOAD_PATH)
        .handler(ProductImageRoutes.uploadBodies(uploads(), config.imageMaxBytes));
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes));

    ServiceRoutes services =
        new ServiceRoutes(peer(Service.PAYMENT, "payment"), peer(Service.REALTIME, "realtime"));
    new HealthRoutes(
            vertx,
            pool,
            redis,
            kafkaAdmin,
            Map.of(
                "catalog",
                    new HealthRoutes.Peer(
                        peer(Service.CATALOG, "catalog"), CatalogGrpcService.SERVICE_NAME),
                "ordering",
                    new HealthRoutes.Peer(
                        peer(Service.ORDERING, "ordering"), OrderingGrpcService.SERVICE_NAME),
                "payment",
                    new HealthRoutes.Peer(
                        peer(Service.PAYMENT, "payment"), PaymentGrpcService.SERVICE_NAME),
                "realtime",
                    new HealthRoutes.Peer(
                        peer(Service.REALTIME, "realtime"), RealtimeGrpcService.SERVICE_NAME)))
        .mount(router);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    if (config.devMailbox) {
      services.mountDevMailbox(router);
    }
    docs.mountPage(router);

    Router api = Router.router(vertx);
    api.route().handler(new Authn(identity)::handle);
    if (config.rateLimits.enabled()) {
      api.route()
          .handler(new RateLimits(vertx, new FixedWindowCounter(redis), config.rateLimits)::handle);
    }
    services.mount(api);
    GrpcCalls catalog = peer(Service.CATALOG, "catalog");
    GrpcCalls ordering = peer(Service.ORDERING, "ordering");
    AddressStore addresses = new AddressStore(pool);
    // account: signing in, and the caller's own profile and addresses
    new AuthRoutes(identity).mount(api);
    new SocialLoginRoutes(social).mount(api);
    new AccountRoutes(users, addresses, catalog).mount(api);
    // seller, ahead of the shop: /products/mine must come before /products/:id
    new SellerProductRoutes(catalog, catalogCache).mount(api);
    new ProductImageRoutes(catalog, catalogCache, vertx.fileSystem(), config.imageMaxBytes)
        .mount(api);
    new InventoryRoutes(catalog, catalogCache).mount(api);
    new SellerOrderRoutes(ordering).mount(api);
    // shop: what shoppers browse and buy
    // categories first: /categories/by-slug/{slug} comes ahead of /categories/{id}/products
    new CategoryRoutes(catalog, catalogCache).mount(api);
    new ProductRoutes(catalog, catalogCache).mount(api);
    new ImageRoutes(catalog).mount(api);
    new StorefrontRoutes(users, catalog).mount(api);
    new ReviewRoutes(catalog, catalogCache, users).mount(api);
    new WishlistRoutes(catalog).mount(api);
    new RecommendationRoutes(catalog).mount(api);
    new CartRoutes(ordering).mount(api);
    new CheckoutRoutes(ordering, addresses).mount(api);
    new OrderRoutes(ordering).mount(api);
    new InvoiceRoutes(ordering, users).mount(api);
    // admin
    new AdminUserRoutes(identity, users).mount(api);
    new AdminProductRoutes(catalog, catalogCache).mount(api);
    new AdminCategoryRoutes(catalog, catalogCache).mount(api);
    new AdminOrderRoutes(ordering).mount(api);
    new DiscountRoutes(ordering).mount(api);
    new AdminSettingsRoutes(catalog).mount(api);
    new AdminAuditRoutes(auditLog).mount(api);
    new AdminParkingRoutes(
            new ParkingAdmin(pool, "identity", parked), AdminParkingRoutes.byName(this::peer))
        .mount(api);
    new AdminReportRoutes(ordering, catalog, users, Clock.systemUTC()).mount(api);
    docs.mountDocument(api);
    router.route("/api/v1/*").subRouter(templateNames(api, "/api/v1"));

    router.route().failureHandler(Problems::handleFailure);
    // a path Vert.x cannot decode never reaches a route
    router.errorHandler(
        400,
        ctx ->
            Problems.send(
                ctx, Problems.fromStatus(400, "The path is not validly percent-encoded.")));
    router.errorHandler(404, ctx -> Problems.send(ctx, Problems.fromStatus(404, null)));
    router.errorHandler(
        405,
        ctx -> {
          ctx.response()
              .putHeader(
                  "Allow", String.join(", ", docs.described().allowed(ctx.request().path())));
          Problems.send(ctx, Problems.fromStatus(405, null));
        });
    router.errorHandler(500, Problems::handleFailure);
    return router;
  }

  /**
   * Names a sub-router's routes by their full template ({@code /api/v1/products/:id}, a regex route
   * by its mount point and {@code *}): the HTTP metrics label a request with the names of the
   * routes it passed.
   */
  private static Router templateNames(Router sub, String mount) {
    for (Route route : sub.getRoutes()) {
      if (route.getPath() != null) {
        route.setName(mount + route.getPath());
      } else if (route.isRegexPath()) {
        route.setName(mount + "/*");
      }
    }
    return sub;
  }

  /**
   * The routes this edge serves, once started (the OpenAPI document's coverage test walks them).
   */
  public Router router() {
    return routes;
  }

  /** Where image uploads are streamed while their request lasts. */
  private Path uploads() {
    return config.dataDir.resolve("uploads");
  }

  private GrpcCalls peer(Service service, String name) {
    EmporiumConfig.GrpcPeer peer = config.grpc.get(service);
    return new GrpcCalls(
        service == Service.CATALOG ? catalogGrpc : grpc,
        SocketAddress.inetSocketAddress(peer.peerPort(), peer.host()),
        name,
        config.grpcDeadline,
        callerSignature);
  }

  @Override
  public Future<?> stop() {
    Future<?> draining =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(DRAIN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    vertx.cancelTimer(parkedRecount);
    return draining
        .eventually(
            () -> redirectServer == null ? Future.succeededFuture() : redirectServer.close())
        .eventually(
            () ->
                grpcServer == null
                    ? Future.succeededFuture()
                    : grpcServer.shutdown(
                        DRAIN.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .eventually(() -> catalogChanges == null ? Future.succeededFuture() : catalogChanges.stop())
        .eventually(() -> auditEvents == null ? Future.succeededFuture() : auditEvents.stop())
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.stop())
        .eventually(() -> grpc == null ? Future.succeededFuture() : grpc.close())
        .eventually(() -> catalogGrpc == null ? Future.succeededFuture() : catalogGrpc.close())
        .eventually(() -> kafkaAdmin == null ? Future.succeededFuture() : kafkaAdmin.close())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
