package io.emporium.catalog.store;

import io.emporium.common.Cursor;
import io.emporium.proto.catalog.v1.FollowState;
import io.emporium.proto.catalog.v1.FollowedSeller;
import io.emporium.proto.catalog.v1.FollowerPage;
import io.emporium.proto.catalog.v1.FollowingPage;
import io.emporium.proto.catalog.v1.ProductSummary;
import io.emporium.proto.catalog.v1.Storefront;
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
  private static final String FOLLOWING =
      """
      SELECT seller_id, created_at FROM catalog.follows
      WHERE follower_id = $1 AND ($2::timestamptz IS NULL OR (created_at, seller_id) < ($2, $3))
      ORDER BY created_at DESC, seller_id DESC
      LIMIT $4""";

  private static final String FOLLOW =
      """
      INSERT INTO catalog.follows (follower_id, seller_id) VALUES ($1, $2) ON CONFLICT DO NOTHING""";
  private static final String UNFOLLOW =
      "DELETE FROM catalog.follows WHERE follower_id = $1 AND seller_id = $2";
  private static final String STATE =
      """
      SELECT count(*) AS followers, bool_or(follower_id = $2) AS following FROM catalog.follows WHERE seller_id = $1""";
  private static final String FOLLOWER_IDS =
      """
      SELECT follower_id FROM catalog.follows WHERE seller_id = $1 AND ($2::uuid IS NULL OR follower_id > $2)
      ORDER BY follower_id LIMIT $3""";
  private static final String FOLLOWERS =
      "SELECT count(*) FROM catalog.follows WHERE seller_id = $1";
  private static final String STOREFRONT_PRODUCTS =
      """
      SELECT id, slug, name, price, currency FROM catalog.products
      WHERE seller_id = $1 AND status = 'active' AND deleted_at IS NULL
      ORDER BY created_at DESC, id DESC LIMIT 20""";

  private final Pool pool;

  public FollowStore(Pool pool) {
    this.pool = pool;
  }

  public Future<FollowState> follow(UUID followerId, UUID sellerId, boolean on) {
    return pool.preparedQuery(on ? FOLLOW : UNFOLLOW)
        .execute(Tuple.of(followerId, sellerId))
        .compose(v -> state(followerId, sellerId));
  }

  public Future<FollowState> state(UUID followerId, UUID sellerId) {
    return pool.preparedQuery(STATE)
        .execute(Tuple.of(sellerId, followerId))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return FollowState.newBuilder()
                  .setSellerId(sellerId.toString())
                  .setFollowers(r.getLong("followers"))
                  .setFollowing(Boolean.TRUE.equals(r.getBoolean("following")))
                  .build();
            });
  }

  /** A seller's followers in user id order, a keyset page at a time. */
  public Future<FollowerPage> followers(UUID sellerId, UUID after, int limit) {
    return pool.preparedQuery(FOLLOWER_IDS)
        .execute(Tuple.of(sellerId, after, limit + 1))
        .map(
            rows -> {
              FollowerPage.Builder page = FollowerPage.newBuilder();
              for (Row r : rows) {
                if (page.getUserIdsCount() == limit) {
                  page.setNext(page.getUserIds(limit - 1));
                  break;
                }
                page.addUserIds(r.getUUID("follower_id").toString());
              }
              return page.build();
            });
  }

  /** The storefront of a seller: followers and the newest active products. */
  public Future<Storefront> storefront(UUID sellerId) {
    return pool.preparedQuery(FOLLOWERS)
        .execute(Tuple.of(sellerId))
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(
            followers ->
                pool.preparedQuery(STOREFRONT_PRODUCTS)
                    .execute(Tuple.of(sellerId))
                    .map(
                        rows -> {
                          Storefront.Builder front =
                              Storefront.newBuilder()
                                  .setSellerId(sellerId.toString())
                                  .setFollowers(followers);
                          rows.forEach(
                              r ->
                                  front.addProducts(
                                      ProductSummary.newBuilder()
                                          .setId(r.getUUID("id").toString())
                                          .setSlug(r.getString("slug"))
                                          .setName(r.getString("name"))
                                          .setPrice(r.getLong("price"))
                                          .setCurrency(r.getString("currency"))));
                          return front.build();
                        }));
  }

  public Future<FollowingPage> following(UUID followerId, Cursor after, int limit) {
    Tuple args =
        Tuple.of(
            followerId,
            after == null ? null : after.at(),
            after == null ? null : after.id(),
            limit + 1);
    return pool.preparedQuery(FOLLOWING)
        .execute(args)
        .map(
            rows -> {
              List<Row> all = new ArrayList<>();
              rows.forEach(all::add);
              FollowingPage.Builder page = FollowingPage.newBuilder();
              for (Row row : all.subList(0, Math.min(limit, all.size()))) {
                page.addSellers(
                    FollowedSeller.newBuilder()
                        .setSellerId(row.getUUID("seller_id").toString())
                        .setFollowedAt(
                            DateTimeFormatter.ISO_INSTANT.format(
                                row.getOffsetDateTime("created_at")
                                    .withOffsetSameInstant(ZoneOffset.UTC))));
              }
              if (all.size() > limit) {
                Row last = all.get(limit - 1);
                page.setNextCursor(
                    new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("seller_id"))
                        .encode());
              }
              return page.build();
            });
  }
}
