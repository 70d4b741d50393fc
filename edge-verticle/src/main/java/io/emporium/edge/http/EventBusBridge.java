package io.emporium.edge.http;

import io.emporium.common.Ids;
import io.emporium.common.grpc.CallContext;
import io.emporium.common.grpc.GrpcCalls;
import io.emporium.edge.identity.Caller;
import io.emporium.edge.identity.IdentityService;
import io.emporium.proto.realtime.v1.MissedPushesRequest;
import io.emporium.proto.realtime.v1.Push;
import io.emporium.proto.realtime.v1.RealtimeGrpcClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SockJS event-bus bridge at {@code /eventbus} (API.md "Real time"). Browsers only listen, each on its own
 * addresses, registering with their access token; a {@code since} header first replays, in order, what that address
 * got after that sequence number. Every message carries its address's {@code seq}; none reaches a socket twice, and
 * none after the registering token expired (the socket is closed then, for the client to come back with a new one).
 * State is per edge instance and touched only on its event loop.
 */
public final class EventBusBridge {
  public static final String PATH = "/eventbus/*";
  private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern OWN = Pattern.compile("(user\\.(" + UUID_RE + ")\\.(orders|inventory))|(seller\\.(" + UUID_RE + ")\\.orders)");
  private static final String ADMIN_ALERTS = "admin.alerts";
  private static final int CATCH_UP_PAGE = 500;
  private static final int CATCH_UP_PAGES = 20;

  private final Vertx vertx;
  private final IdentityService identity;
  private final GrpcCalls realtime;
  private final Map<SockJSSocket, Map<String, Feed>> feeds = new HashMap<>();

  /** One address one socket listens on: the last number it was sent, and live messages held while it catches up. */
  private static final class Feed {
    final Long since;
    final Instant tokenExpiresAt;
    long lastSeq;
    boolean catchingUp;
    final List<BridgeEvent> held = new ArrayList<>();

    Feed(Long since, Instant tokenExpiresAt) {
      this.since = since;
      this.tokenExpiresAt = tokenExpiresAt;
      this.lastSeq = since == null ? 0 : since;
      this.catchingUp = since != null;
    }
  }

  public EventBusBridge(Vertx vertx, IdentityService identity, GrpcCalls realtime) {
    this.vertx = vertx;
    this.identity = identity;
    this.realtime = realtime;
  }

  public Router router() {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
        // nothing inbound is permitted: browsers only listen
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(OWN.pattern() + "|admin\\.alerts"))
        .setMaxHandlersPerSocket(8);
    return SockJSHandler.create(vertx).bridge(options, this::handle);
  }

  void handle(BridgeEvent event) {
    switch (event.type()) {
      case REGISTER -> register(event);
      case REGISTERED -> {
        event.complete(true);
        catchUp(event.socket(), event.getRawMessage().getString("address"));
      }
      case RECEIVE -> receive(event);
      case UNREGISTER -> {
        Map<String, Feed> of = feeds.get(event.socket());
        Feed gone = of == null ? null : of.remove(event.getRawMessage().getString("address"));
        if (gone != null) {
          gone.held.forEach(held -> held.complete(false));
        }
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        Map<String, Feed> gone = feeds.remove(event.socket());
        if (gone != null) {
          gone.values().forEach(f -> f.held.forEach(held -> held.complete(false)));
        }
        event.complete(true);
      }
      case SEND, PUBLISH -> event.complete(false);
      default -> event.complete(true);
    }
  }

  /** Allowed only with a live session's token, for the caller's own address; answered without blocking. */
  private void register(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    String address = raw.getString("address", "");
    Object headers = raw.getValue("headers");
    JsonObject h = headers instanceof JsonObject o ? o : new JsonObject();
    String token = bearer(h.getValue("Authorization", h.getValue("authorization")));
    Object sinceValue = h.getValue("since");
    Long since = sinceValue == null ? null : sequence(sinceValue);
    if (token == null || sinceValue != null && since == null) {
      event.complete(false);
      return;
    }
    identity.authenticate(token).onComplete(ar -> {
      Map<String, Feed> of = feeds.get(event.socket());
      if (ar.failed() || !owns(ar.result(), address) || of != null && of.containsKey(address)) {
        event.complete(false);
        return;
      }
      feeds.computeIfAbsent(event.socket(), s -> new HashMap<>()).put(address, new Feed(since, ar.result().tokenExpiresAt()));
      event.complete(true);
    });
  }

  static boolean owns(Caller caller, String address) {
    if (ADMIN_ALERTS.equals(address)) {
      return "admin".equals(caller.role());
    }
    Matcher m = OWN.matcher(address);
    if (!m.matches()) {
      return false;
    }
    if (m.group(1) != null) {
      return caller.userId().equals(Ids.parse(m.group(2)));
    }
    return "seller".equals(caller.role()) && caller.userId().equals(Ids.parse(m.group(5)));
  }

  /** Live messages wait while the missed ones are written; a message already sent is dropped. */
  private void receive(BridgeEvent event) {
    JsonObject raw = event.getRawMessage();
    Map<String, Feed> of = feeds.get(event.socket());
    Feed feed = of == null ? null : of.get(raw.getString("address"));
    if (feed == null) {
      event.complete(false);
      return;
    }
    if (Instant.now().isAfter(feed.tokenExpiresAt)) {
      // nothing is lost: the client reconnects with a fresh token and since = the last seq it saw
      event.complete(false);
      event.socket().write(Buffer.buffer(new JsonObject().put("type", "err").put("body", "token_expired")
          .put("address", raw.getString("address")).encode()));
      event.socket().close();
      return;
    }
    if (feed.catchingUp) {
      feed.held.add(event);
      return;
    }
    release(feed, event);
  }

  private static void release(Feed feed, BridgeEvent event) {
    Long seq = seqOf(event.getRawMessage());
    if (seq != null && seq <= feed.lastSeq) {
      event.complete(false);
      return;
    }
    if (seq != null) {
      feed.lastSeq = seq;
    }
    event.complete(true);
  }

  /** Runs once the bridge's consumer is in place, so nothing published meanwhile can fall between replay and live. */
  private void catchUp(SockJSSocket socket, String address) {
    Map<String, Feed> of = feeds.get(socket);
    Feed feed = of == null ? null : of.get(address);
    if (feed == null || feed.since == null) {
      return;
    }
    replay(socket, address, feed, 0).onComplete(ar -> {
      if (ar.failed()) {
        socket.write(Buffer.buffer(new JsonObject().put("type", "err").put("body", "catch_up_failed").put("address", address).encode()));
      }
      feed.catchingUp = false;
      List<BridgeEvent> waiting = new ArrayList<>(feed.held);
      feed.held.clear();
      waiting.forEach(held -> release(feed, held));
    });
  }

  private Future<Void> replay(SockJSSocket socket, String address, Feed feed, int page) {
    MissedPushesRequest request = MissedPushesRequest.newBuilder().setAddress(address).setAfterSeq(feed.lastSeq).setLimit(CATCH_UP_PAGE).build();
    return realtime.call(RealtimeGrpcClient.ListMissedPushes, request, CallContext.service(UUID.randomUUID().toString(), "edge"))
        .compose(missed -> {
          if (feeds.get(socket) == null) {
            return Future.succeededFuture();
          }
          for (Push push : missed.getPushesList()) {
            socket.write(Buffer.buffer(new JsonObject().put("type", "rec").put("address", address)
                .put("body", new JsonObject(push.getBody())).encode()));
            feed.lastSeq = push.getSeq();
          }
          boolean more = missed.getPushesCount() == CATCH_UP_PAGE && page + 1 < CATCH_UP_PAGES;
          return more ? replay(socket, address, feed, page + 1) : Future.succeededFuture();
        });
  }

  private static Long seqOf(JsonObject raw) {
    return raw.getValue("body") instanceof JsonObject body && body.getValue("seq") instanceof Number n ? n.longValue() : null;
  }

  private static String bearer(Object header) {
    if (!(header instanceof String s) || !s.regionMatches(true, 0, "Bearer ", 0, 7) || s.length() <= 7) {
      return null;
    }
    return s.substring(7).strip();
  }

  private static Long sequence(Object value) {
    try {
      long n = value instanceof Number num ? num.longValue() : Long.parseLong(value.toString().strip());
      return n < 0 ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
