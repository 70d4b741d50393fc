package io.emporium.catalog.store;

import io.emporium.common.Cursor;
import io.emporium.proto.catalog.v1.FollowedSeller;
import io.emporium.proto.catalog.v1.FollowingPage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Who follows which seller, in the {@code catalog} schema. */
public final class FollowStore {
  private static final String FOLLOWING = """
      SELECT seller_id, created_at FROM catalog.follows
      WHERE follower_id = $1 AND ($2::timestamptz IS NULL OR (created_at, seller_id) < ($2, $3))
      ORDER BY created_at DESC, seller_id DESC
      LIMIT $4""";

  private final Pool pool;

  public FollowStore(Pool pool) {
    this.pool = pool;
  }

  public Future<FollowingPage> following(UUID followerId, Cursor after, int limit) {
    Tuple args = Tuple.of(followerId, after == null ? null : after.at(), after == null ? null : after.id(), limit + 1);
    return pool.preparedQuery(FOLLOWING).execute(args).map(rows -> {
      List<Row> all = new ArrayList<>();
      rows.forEach(all::add);
      FollowingPage.Builder page = FollowingPage.newBuilder();
      for (Row row : all.subList(0, Math.min(limit, all.size()))) {
        page.addSellers(FollowedSeller.newBuilder()
            .setSellerId(row.getUUID("seller_id").toString())
            .setFollowedAt(DateTimeFormatter.ISO_INSTANT.format(row.getOffsetDateTime("created_at").withOffsetSameInstant(ZoneOffset.UTC))));
      }
      if (all.size() > limit) {
        Row last = all.get(limit - 1);
        page.setNextCursor(new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("seller_id")).encode());
      }
      return page.build();
    });
  }
}
