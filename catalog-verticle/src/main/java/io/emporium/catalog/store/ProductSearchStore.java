package io.emporium.catalog.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emporium.catalog.domain.SearchIndex;
import io.emporium.catalog.domain.SearchIndex.After;
import io.emporium.catalog.domain.SearchIndex.Hit;
import io.emporium.catalog.domain.SearchRules;
import io.emporium.catalog.domain.SearchRules.Cursor;
import io.emporium.catalog.domain.SearchRules.Sort;
import io.emporium.catalog.domain.TextRank;
import io.emporium.common.config.EmporiumConfig;
import io.emporium.common.db.Database;
import io.emporium.common.problem.ApiProblem;
import io.emporium.proto.catalog.v1.CategoryCount;
import io.emporium.proto.catalog.v1.Facets;
import io.emporium.proto.catalog.v1.PriceRange;
import io.emporium.proto.catalog.v1.Product;
import io.emporium.proto.catalog.v1.ProductPage;
import io.emporium.proto.catalog.v1.ProductSearch;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public product listings: full-text search with typo tolerance, filters, keyset pages in each
 * order and facets, evaluated in this process's {@link SearchIndex} of the listed products; only
 * the page's products are read from PostgreSQL. Triggers on the catalog's tables NOTIFY every
 * committed change (migration V20), and the index reads the changed products again. Before a search
 * is evaluated it waits at a barrier: a NOTIFY of its own, which PostgreSQL delivers after every
 * change committed before it, so a search sees every write that finished before it began, in any
 * process. Without PostgreSQL, or while the index is not yet loaded, a search answers 503.
 */
public final class ProductSearchStore {
  private static final Logger LOG = LoggerFactory.getLogger(ProductSearchStore.class);
  private static final String CHANNEL = "catalog_listings";
  private static final long RECONNECT_MILLIS = 1_000;
  private static final long RETRY_MILLIS = 1_000;

  /** Products read at a time when the whole index is read again. */
  private static final int LOAD_CHUNK = 2_000;

  /** Listed products kept for pages (about a kilobyte each). */
  private static final int PRODUCTS_KEPT = 50_000;

  /** Words whose stems and nearest known word are remembered. */
  private static final int WORDS_REMEMBERED = 10_000;

  /**
   * A query word that is not a known word also matches the nearest known one when they are at least
   * this similar.
   */
  private static final double TYPO_SIMILARITY = 0.2;

  private static final String INDEXED =
      """
      SELECT p.id, p.status = 'active' AND p.deleted_at IS NULL AS listed, p.seller_id, p.category_id, p.price,
             p.created_at, p.rating_average, p.rating_count, p.search::text AS words,
             EXISTS (SELECT 1 FROM catalog.variants v
                     WHERE v.product_id = p.id AND v.removed_at IS NULL AND v.stock > v.reserved) AS in_stock
      FROM catalog.products p""";

  private static final String ALL_LISTED =
      INDEXED + " WHERE p.status = 'active' AND p.deleted_at IS NULL";
  private static final String SOME = INDEXED + " WHERE p.id = ANY($1)";
  private static final String CATEGORIES = "SELECT id, parent_id FROM catalog.categories";
  private static final String BARRIER = "SELECT pg_notify($1, $2)";

  /** Each word's stems, and its nearest known word's stems with how similar the two are. */
  private static final String WORDS =
      """
      SELECT w.word, plainto_tsquery('english', w.word)::text AS stems,
             t.term, similarity(w.word, t.term) AS score, plainto_tsquery('english', coalesce(t.term, ''))::text AS term_stems
      FROM unnest($1::text[]) AS w(word)
      LEFT JOIN LATERAL (SELECT term FROM catalog.search_terms ORDER BY term <-> w.word LIMIT 1) t ON true""";

  private final Vertx vertx;

  /**
   * How long a search waits at its barrier before answering 503: half the callers' gRPC deadline,
   * so the caller hears the 503 and not its own timeout.
   */
  private final long barrierTimeoutMillis;

  private final Pool pool;
  private final ProductStore products;
  private final PgSubscriber subscriber;
  private final Context context;
  private SearchIndex index = new SearchIndex();
  private Map<UUID, UUID> categoryParents = Map.of();

  /** What a query word accepts: its stems and, for a typo, its nearest known word's. */
  private final Map<String, Set<String>> words =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
          return size() > WORDS_REMEMBERED;
        }
      };

  /**
   * Listed products as a page shows them, encoded (one array each, cheap for the collector to
   * keep), until a change of them is heard; the most recently shown kept longest.
   */
  private final Map<UUID, byte[]> shown =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, byte[]> eldest) {
          return size() > PRODUCTS_KEPT;
        }
      };

  /** Moved on by every change heard: a page read begun before it may not keep what it read. */
  private long changesHeard;

  // changes heard and not yet applied, and the barriers heard after them
  private boolean reloadAll;
  private boolean reloadCategories;
  private Set<UUID> changed = new HashSet<>();
  private List<Promise<Void>> barriersHeard = new ArrayList<>();
  private boolean applying;
  private boolean loaded;

  // the barrier on its way through PostgreSQL, and the one searches that came later wait for
  private final Map<String, Promise<Void>> barriersSent = new HashMap<>();
  private Promise<Void> nextBarrier;
  private boolean barrierInFlight;
  private boolean stopped;

  public ProductSearchStore(Vertx vertx, Pool pool, EmporiumConfig config, ProductStore products) {
    this.vertx = vertx;
    this.barrierTimeoutMillis = config.grpcDeadline.toMillis() / 2;
    this.pool = pool;
    this.products = products;
    this.subscriber =
        Database.subscriber(vertx, config, "catalog", "emporium-catalog-search", RECONNECT_MILLIS);
    this.context = vertx.getOrCreateContext();
  }

  /**
   * Listens for changes; once listening (and again after each reconnect) it loads every product.
   */
  public ProductSearchStore start() {
    subscriber
        .channel(CHANNEL)
        .subscribeHandler(
            v ->
                context.runOnContext(
                    x -> {
                      // what changed while nobody listened is unknown: read everything again,
                      // and forget the page copies and words that a missed change may have staled
                      reloadAll = true;
                      reloadCategories = true;
                      shown.clear();
                      words.clear();
                      changesHeard++;
                      apply();
                    }))
        .handler(payload -> context.runOnContext(x -> heard(payload)));
    listen();
    return this;
  }

  public Future<Void> stop() {
    stopped = true;
    return subscriber.close();
  }

  /** A page of products for a validated search; facets and the total come with the first page. */
  public Future<ProductPage> search(ProductSearch s) {
    After after = s.getCursor().isEmpty() ? null : After.of(Cursor.decode(s.getCursor()).get());
    Sort sort = SearchRules.sort(s);
    return fresh()
        .compose(v -> accepted(SearchRules.words(s.getQuery())))
        .compose(
            wanted -> {
              SearchIndex.Result r =
                  index.search(
                      new SearchIndex.Query(
                          wanted,
                          s.getCategoryId().isEmpty()
                              ? null
                              : index.subtree(UUID.fromString(s.getCategoryId())),
                          s.getSellerId().isEmpty() ? null : UUID.fromString(s.getSellerId()),
                          s.hasMinPrice() ? s.getMinPrice() : null,
                          s.hasMaxPrice() ? s.getMaxPrice() : null,
                          s.getInStock(),
                          sort,
                          after,
                          s.getLimit()));
              boolean more = r.page().size() > s.getLimit();
              List<Hit> onPage = more ? r.page().subList(0, s.getLimit()) : r.page();
              return page(onPage.stream().map(Hit::id).toList())
                  .map(
                      found -> {
                        ProductPage.Builder out = ProductPage.newBuilder().addAllProducts(found);
                        if (more) {
                          out.setNextCursor(cursorAfter(sort, onPage.get(onPage.size() - 1)));
                        }
                        if (r.counts() != null) {
                          out.setFacets(facets(r.counts()));
                        }
                        return out.build();
                      });
            });
  }

  /**
   * The page's products in order: those kept, the rest read from PostgreSQL and kept unless a
   * change was heard while they were read (the read may predate it).
   */
  private Future<List<Product>> page(List<UUID> ids) {
    Map<UUID, Product> found = new HashMap<>();
    List<UUID> missing = new ArrayList<>();
    for (UUID id : ids) {
      byte[] kept = shown.get(id);
      if (kept == null) {
        missing.add(id);
        continue;
      }
      try {
        found.put(id, Product.parseFrom(kept));
      } catch (InvalidProtocolBufferException e) {
        shown.remove(id);
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(ids.stream().map(found::get).toList());
    }
    long heardBefore = changesHeard;
    return products
        .findAll(missing)
        .map(
            read -> {
              for (Product p : read) {
                UUID id = UUID.fromString(p.getId());
                found.put(id, p);
                if (changesHeard == heardBefore) {
                  shown.put(id, p.toByteArray());
                }
              }
              return ids.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
            });
  }

  /**
   * Completes once every change committed before it was called is in the index: the next barrier
   * sent after this call has come back through the listener and what was heard before it is
   * applied.
   */
  private Future<Void> fresh() {
    if (nextBarrier == null) {
      nextBarrier = Promise.promise();
      Future<Void> waiting = nextBarrier.future();
      if (!barrierInFlight) {
        sendBarrier();
      }
      return waiting;
    }
    return nextBarrier.future();
  }

  private void sendBarrier() {
    Promise<Void> barrier = nextBarrier;
    nextBarrier = null;
    barrierInFlight = true;
    String token = UUID.randomUUID().toString();
    barriersSent.put(token, barrier);
    long timer =
        vertx.setTimer(
            barrierTimeoutMillis,
            t ->
                barrier.tryFail(
                    ApiProblem.unavailable(
                        "Search is not in step with the catalog yet; try again in a moment.", 1)));
    barrier
        .future()
        .onComplete(
            done -> {
              vertx.cancelTimer(timer);
              barriersSent.remove(token);
              barrierInFlight = false;
              if (nextBarrier != null) {
                sendBarrier();
              }
            });
    pool.preparedQuery(BARRIER)
        .execute(Tuple.of(CHANNEL, "s:" + token))
        .onFailure(
            e -> {
              ApiProblem unavailable = ApiProblem.ifUnavailable(e);
              barrier.tryFail(unavailable != null ? unavailable : e);
            });
  }

  private void heard(String payload) {
    if (payload.startsWith("s:")) {
      Promise<Void> barrier = barriersSent.get(payload.substring(2));
      if (barrier != null) {
        barriersHeard.add(barrier);
      }
    } else if (payload.equals("p:*")) {
      reloadAll = true;
      shown.clear();
      changesHeard++;
    } else if (payload.startsWith("p:")) {
      for (String text : payload.substring(2).split(",")) {
        UUID id = UUID.fromString(text);
        changed.add(id);
        shown.remove(id);
      }
      changesHeard++;
    } else if (payload.equals("c")) {
      reloadCategories = true;
    } else if (payload.equals("t")) {
      words.clear();
    }
    apply();
  }

  /**
   * Applies what was heard, in the order heard: the changes, then the barriers heard after them;
   * one at a time, and again when more was heard meanwhile.
   */
  private void apply() {
    if (applying || stopped) {
      return;
    }
    boolean all = reloadAll;
    boolean categories = reloadCategories;
    Set<UUID> ids = changed;
    List<Promise<Void>> barriers = barriersHeard;
    if (!all && !categories && ids.isEmpty() && barriers.isEmpty()) {
      return;
    }
    applying = true;
    reloadAll = false;
    reloadCategories = false;
    changed = new HashSet<>();
    barriersHeard = new ArrayList<>();
    Future<Void> products =
        all ? loadAll() : ids.isEmpty() ? Future.succeededFuture() : refresh(ids);
    products
        .compose(v -> categories ? loadCategories() : Future.succeededFuture())
        .onComplete(
            done -> {
              applying = false;
              if (done.succeeded() && loaded) {
                barriers.forEach(Promise::tryComplete);
                apply();
                return;
              }
              if (done.failed()) {
                LOG.warn("search index will read the catalog again: {}", done.cause().toString());
              }
              // try again later; the barriers stay waiting (their searches time out meanwhile)
              reloadAll |= all;
              reloadCategories |= categories;
              changed.addAll(ids);
              barriersHeard.addAll(0, barriers);
              vertx.setTimer(RETRY_MILLIS, t -> apply());
            });
  }

  /**
   * Reads every listed product into a new index, a chunk at a time so the event loop is never held
   * long, and puts it in place of the old one; changes heard meanwhile are applied after it.
   */
  private Future<Void> loadAll() {
    long started = System.nanoTime();
    SearchIndex fresh = new SearchIndex();
    return pool.withTransaction(
            tx ->
                tx.prepare(ALL_LISTED).compose(statement -> readChunks(statement.cursor(), fresh)))
        .map(
            v -> {
              fresh.categories(categoryParents);
              index = fresh;
              loaded = true;
              LOG.info(
                  "search index holds {} listed products (read in {} ms)",
                  index.size(),
                  (System.nanoTime() - started) / 1_000_000);
              return null;
            });
  }

  private Future<Void> readChunks(io.vertx.sqlclient.Cursor cursor, SearchIndex into) {
    return cursor
        .read(LOAD_CHUNK)
        .compose(
            rows -> {
              rows.forEach(r -> into.put(listed(r)));
              return cursor.hasMore() ? readChunks(cursor, into) : cursor.close();
            });
  }

  private Future<Void> refresh(Set<UUID> ids) {
    return pool.preparedQuery(SOME)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              Set<UUID> gone = new HashSet<>(ids);
              for (Row r : rows) {
                gone.remove(r.getUUID("id"));
                if (r.getBoolean("listed")) {
                  index.put(listed(r));
                } else {
                  index.remove(r.getUUID("id"));
                }
              }
              gone.forEach(index::remove);
              return null;
            });
  }

  private Future<Void> loadCategories() {
    return pool.preparedQuery(CATEGORIES)
        .execute()
        .map(
            rows -> {
              Map<UUID, UUID> parentOf = new HashMap<>();
              rows.forEach(r -> parentOf.put(r.getUUID("id"), r.getUUID("parent_id")));
              categoryParents = parentOf;
              index.categories(parentOf);
              return null;
            });
  }

  private static SearchIndex.Listed listed(Row r) {
    BigDecimal rating = r.getBigDecimal("rating_average");
    String text = r.getString("words");
    return new SearchIndex.Listed(
        r.getUUID("id"),
        r.getUUID("seller_id"),
        r.getUUID("category_id"),
        r.getLong("price"),
        SearchIndex.micros(r.getOffsetDateTime("created_at")),
        rating == null ? 0 : rating.movePointRight(2).intValue(),
        r.getInteger("rating_count"),
        r.getBoolean("in_stock"),
        TextRank.parse(text == null ? "" : text));
  }

  /**
   * What each query word accepts, in query order: its stems (none for a stop word) and, when the
   * word is not a known word, its nearest known word's stems. Remembered per word until new words
   * reach the catalog.
   */
  private Future<List<Set<String>>> accepted(List<String> query) {
    Set<String> unknown = new LinkedHashSet<>();
    for (String w : query) {
      if (!words.containsKey(w)) {
        unknown.add(w);
      }
    }
    Future<Void> learned =
        unknown.isEmpty()
            ? Future.succeededFuture()
            : pool.preparedQuery(WORDS)
                .execute(Tuple.of(unknown.toArray(String[]::new)))
                .map(
                    rows -> {
                      for (Row r : rows) {
                        Set<String> accepted = new HashSet<>(lexemes(r.getString("stems")));
                        String term = r.getString("term");
                        if (term != null
                            && !term.equals(r.getString("word"))
                            && r.getDouble("score") >= TYPO_SIMILARITY) {
                          accepted.addAll(lexemes(r.getString("term_stems")));
                        }
                        words.put(r.getString("word"), Set.copyOf(accepted));
                      }
                      return null;
                    });
    return learned.map(
        v -> {
          List<Set<String>> out = new ArrayList<>();
          for (String w : query) {
            out.add(words.getOrDefault(w, Set.of()));
          }
          return out;
        });
  }

  /** The lexemes of a {@code tsquery}'s text ({@code 'kettl' & 'copper'}). */
  private static List<String> lexemes(String tsquery) {
    List<String> out = new ArrayList<>();
    if (tsquery == null) {
      return out;
    }
    StringBuilder current = null;
    for (int i = 0; i < tsquery.length(); i++) {
      char c = tsquery.charAt(i);
      if (current == null) {
        if (c == '\'') {
          current = new StringBuilder();
        }
      } else if (c == '\'' && i + 1 < tsquery.length() && tsquery.charAt(i + 1) == '\'') {
        current.append('\'');
        i++;
      } else if (c == '\'') {
        out.add(current.toString());
        current = null;
      } else {
        current.append(c);
      }
    }
    return out;
  }

  private static String cursorAfter(Sort sort, Hit last) {
    SearchIndex.Listed p = last.product();
    String value =
        switch (sort) {
          case NEWEST ->
              OffsetDateTime.ofInstant(
                      Instant.EPOCH.plusNanos(p.createdMicros() * 1_000), ZoneOffset.UTC)
                  .toString();
          case PRICE, PRICE_DESCENDING -> String.valueOf(p.price());
          case RATING ->
              BigDecimal.valueOf(p.ratingHundredths(), 2).toPlainString() + "/" + p.ratingCount();
          case RELEVANCE -> String.valueOf(last.rank());
        };
    return new Cursor(sort, value, last.id()).encode();
  }

  private static Facets facets(SearchIndex.Counts counts) {
    Facets.Builder f = Facets.newBuilder().setTotal(counts.total());
    counts
        .categories()
        .forEach(
            c ->
                f.addCategories(
                    CategoryCount.newBuilder()
                        .setCategoryId(c.categoryId() == null ? "" : c.categoryId().toString())
                        .setCount(c.count())));
    long from = 0;
    for (int i = 0; i < counts.priceRanges().size(); i++) {
      PriceRange.Builder range =
          PriceRange.newBuilder().setMin(from).setCount(counts.priceRanges().get(i));
      if (i < SearchRules.PRICE_BOUNDS.size()) {
        range.setMax(SearchRules.PRICE_BOUNDS.get(i));
        from = SearchRules.PRICE_BOUNDS.get(i);
      }
      f.addPriceRanges(range);
    }
    return f.build();
  }

  private void listen() {
    subscriber
        .connect()
        .onFailure(
            e -> {
              LOG.warn("search index cannot listen yet, retrying: {}", e.toString());
              if (!stopped) {
                vertx.setTimer(RECONNECT_MILLIS, t -> listen());
              }
            });
  }
}
