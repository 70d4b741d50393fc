package io.emporium.catalog.store;

import io.emporium.catalog.domain.SearchRules;
import io.emporium.catalog.domain.SearchRules.Cursor;
import io.emporium.catalog.domain.SearchRules.Sort;
import io.emporium.proto.catalog.v1.CategoryCount;
import io.emporium.proto.catalog.v1.Facets;
import io.emporium.proto.catalog.v1.PriceRange;
import io.emporium.proto.catalog.v1.ProductPage;
import io.emporium.proto.catalog.v1.ProductSearch;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Public product listings: full-text search with typo tolerance, filters, keyset pages in each
 * order, facets. The SQL is assembled from fixed fragments; every value a client sent travels as a
 * bind parameter.
 */
public final class ProductSearchStore {
  private static final String NEAREST_TERMS =
      """
      SELECT w.word, t.term, similarity(w.word, t.term) AS score
      FROM unnest($1::text[]) WITH ORDINALITY AS w(word, n)
      LEFT JOIN LATERAL (SELECT term FROM catalog.search_terms ORDER BY term <-> w.word LIMIT 1) t ON true
      ORDER BY w.n""";

  /**
   * A query word that is not a known word also matches the nearest known one when they are at least
   * this similar.
   */
  private static final double TYPO_SIMILARITY = 0.2;

  private final Pool pool;
  private final ProductStore products;

  public ProductSearchStore(Pool pool, ProductStore products) {
    this.pool = pool;
    this.products = products;
  }

  /** A page of products for a validated search; facets and the total come with the first page. */
  public Future<ProductPage> search(ProductSearch s) {
    List<String> words = SearchRules.words(s.getQuery());
    Future<String> tsquery =
        words.isEmpty()
            ? Future.succeededFuture(null)
            : pool.preparedQuery(NEAREST_TERMS)
                .execute(Tuple.of(words.toArray(String[]::new)))
                .map(
                    rows -> {
                      List<String> nearest = new ArrayList<>();
                      rows.forEach(
                          r ->
                              nearest.add(
                                  r.getString("term") != null
                                          && r.getDouble("score") >= TYPO_SIMILARITY
                                      ? r.getString("term")
                                      : null));
                      return SearchRules.tsquery(words, nearest);
                    });
    return tsquery.compose(
        text -> {
          Sort sort = SearchRules.sort(s);
          Future<Matches> matches =
              s.getCursor().isEmpty() ? firstPage(s, sort, text) : laterPage(s, sort, text);
          return matches.compose(
              m -> {
                boolean more = m.page().size() > s.getLimit();
                List<Row> shown = more ? m.page().subList(0, s.getLimit()) : m.page();
                return products
                    .findAll(shown.stream().map(r -> r.getUUID("id")).toList())
                    .map(
                        found -> {
                          ProductPage.Builder out = ProductPage.newBuilder().addAllProducts(found);
                          if (more) {
                            out.setNextCursor(
                                cursorAfter(sort, shown.get(shown.size() - 1)).encode());
                          }
                          if (m.facets() != null) {
                            out.setFacets(m.facets());
                          }
                          return out.build();
                        });
              });
        });
  }

  /**
   * The rows of a page (one more than asked, to tell whether another follows) and, on a first page,
   * the facets.
   */
  private record Matches(List<Row> page, Facets facets) {}

  /**
   * The first page and the facets from one evaluation of the search: the matches are computed once
   * (the expensive part) and both the page and the counts are taken from them.
   */
  private Future<Matches> firstPage(ProductSearch s, Sort sort, String tsquery) {
    Query q = new Query();
    String rank = rank(tsquery, q);
    StringBuilder buckets = new StringBuilder();
    StringBuilder bucketNames = new StringBuilder();
    StringBuilder noBuckets = new StringBuilder();
    for (int i = 0; i < SearchRules.PRICE_BOUNDS.size(); i++) {
      buckets
          .append(", count(*) FILTER (WHERE price < ")
          .append(SearchRules.PRICE_BOUNDS.get(i))
          .append(") AS below")
          .append(i);
      bucketNames.append(", below").append(i);
      noBuckets.append(", NULL::bigint AS below").append(i);
    }
    String sql =
        "WITH matches AS MATERIALIZED (SELECT p.id, p.price, p.created_at, p.rating_average, p.rating_count, p.category_id, "
            + rank
            + " AS rank FROM catalog.products p WHERE "
            + filters(s, tsquery, q)
            + "), "
            + "page AS (SELECT *, row_number() OVER ("
            + order(sort, "")
            + ") AS position FROM matches "
            + order(sort, "")
            + " LIMIT "
            + q.bind(s.getLimit() + 1)
            + "), "
            + "facets AS (SELECT category_id, count(*) AS n"
            + buckets
            + " FROM matches GROUP BY category_id) "
            + "SELECT 'page' AS part, id, price, created_at, rating_average, rating_count, rank, position, NULL::uuid AS category_id, "
            + "NULL::bigint AS n"
            + noBuckets
            + " FROM page "
            + "UNION ALL SELECT 'facet', NULL, NULL, NULL, NULL, NULL, NULL, NULL, category_id, n"
            + bucketNames
            + " FROM facets";
    return pool.preparedQuery(sql)
        .execute(q.args)
        .map(
            rows -> {
              List<Row> page = new ArrayList<>();
              List<Row> counts = new ArrayList<>();
              rows.forEach(r -> (r.getString("part").equals("page") ? page : counts).add(r));
              page.sort(Comparator.comparingLong(r -> r.getLong("position")));
              return new Matches(page, facets(counts));
            });
  }

  private Future<Matches> laterPage(ProductSearch s, Sort sort, String tsquery) {
    Query q = new Query();
    String rank = rank(tsquery, q);
    StringBuilder sql =
        new StringBuilder("SELECT p.id, p.price, p.created_at, p.rating_average, p.rating_count, ")
            .append(rank)
            .append(" AS rank FROM catalog.products p WHERE ")
            .append(filters(s, tsquery, q));
    Cursor c = Cursor.decode(s.getCursor()).orElseThrow();
    String id = q.bind(c.id());
    sql.append(
        switch (sort) {
          case NEWEST ->
              " AND (p.created_at, p.id) < ("
                  + q.bind(OffsetDateTime.parse(c.value()))
                  + ", "
                  + id
                  + ")";
          case PRICE ->
              " AND (p.price, p.id) > (" + q.bind(Long.parseLong(c.value())) + ", " + id + ")";
          case PRICE_DESCENDING ->
              " AND (p.price, p.id) < (" + q.bind(Long.parseLong(c.value())) + ", " + id + ")";
          case RATING -> {
            String[] parts = c.value().split("/", 2);
            yield " AND (p.rating_average, p.rating_count, p.id) < ("
                + q.bind(new BigDecimal(parts[0]))
                + "::numeric, "
                + q.bind(Integer.parseInt(parts[1]))
                + "::int, "
                + id
                + ")";
          }
          case RELEVANCE ->
              " AND ("
                  + rank
                  + ", p.id) < ("
                  + q.bind(Float.parseFloat(c.value()))
                  + "::real, "
                  + id
                  + ")";
        });
    sql.append(' ').append(order(sort, "p.")).append(" LIMIT ").append(q.bind(s.getLimit() + 1));
    return pool.preparedQuery(sql.toString())
        .execute(q.args)
        .map(
            rows -> {
              List<Row> out = new ArrayList<>();
              rows.forEach(out::add);
              return new Matches(out, null);
            });
  }

  private static String rank(String tsquery, Query q) {
    return tsquery == null
        ? "0::real"
        : "ts_rank(p.search, to_tsquery('english', " + q.bind(tsquery) + "))";
  }

  /**
   * The ORDER BY of a listing order, on columns of {@code table} (a prefix such as "p." or none).
   */
  private static String order(Sort sort, String table) {
    return switch (sort) {
      case NEWEST -> "ORDER BY " + table + "created_at DESC, " + table + "id DESC";
      case PRICE -> "ORDER BY " + table + "price, " + table + "id";
      case PRICE_DESCENDING -> "ORDER BY " + table + "price DESC, " + table + "id DESC";
      case RATING ->
          "ORDER BY "
              + table
              + "rating_average DESC, "
              + table
              + "rating_count DESC, "
              + table
              + "id DESC";
      case RELEVANCE -> "ORDER BY rank DESC, " + table + "id DESC";
    };
  }

  /** Category counts and price ranges from the facet rows (one per category), and their total. */
  private static Facets facets(List<Row> rows) {
    Facets.Builder f = Facets.newBuilder();
    long total = 0;
    long[] below = new long[SearchRules.PRICE_BOUNDS.size()];
    rows.sort(
        Comparator.<Row>comparingLong(r -> -r.getLong("n"))
            .thenComparing(
                r -> r.getUUID("category_id") == null ? "" : r.getUUID("category_id").toString()));
    for (Row r : rows) {
      long n = r.getLong("n");
      total += n;
      f.addCategories(
          CategoryCount.newBuilder()
              .setCategoryId(
                  r.getUUID("category_id") == null ? "" : r.getUUID("category_id").toString())
              .setCount(n));
      for (int i = 0; i < below.length; i++) {
        below[i] += r.getLong("below" + i);
      }
    }
    long from = 0;
    long counted = 0;
    for (int i = 0; i < below.length; i++) {
      f.addPriceRanges(
          PriceRange.newBuilder()
              .setMin(from)
              .setMax(SearchRules.PRICE_BOUNDS.get(i))
              .setCount(below[i] - counted));
      from = SearchRules.PRICE_BOUNDS.get(i);
      counted = below[i];
    }
    f.addPriceRanges(PriceRange.newBuilder().setMin(from).setCount(total - counted));
    return f.setTotal(total).build();
  }

  /**
   * The WHERE clause every listing of this search shares: public products matching the query and
   * filters.
   */
  private static String filters(ProductSearch s, String tsquery, Query q) {
    StringBuilder where = new StringBuilder("p.status = 'active' AND p.deleted_at IS NULL");
    if (tsquery != null) {
      where.append(" AND p.search @@ to_tsquery('english', ").append(q.bind(tsquery)).append(")");
    }
    if (!s.getCategoryId().isEmpty()) {
      where
          .append(" AND p.category_id IN (WITH RECURSIVE tree(id) AS (SELECT ")
          .append(q.bind(UUID.fromString(s.getCategoryId())))
          .append(
              "::uuid UNION SELECT c.id FROM catalog.categories c JOIN tree ON c.parent_id = tree.id) SELECT id FROM tree)");
    }
    if (!s.getSellerId().isEmpty()) {
      where.append(" AND p.seller_id = ").append(q.bind(UUID.fromString(s.getSellerId())));
    }
    if (s.hasMinPrice()) {
      where.append(" AND p.price >= ").append(q.bind(s.getMinPrice()));
    }
    if (s.hasMaxPrice()) {
      where.append(" AND p.price <= ").append(q.bind(s.getMaxPrice()));
    }
    if (s.getInStock()) {
      where.append(
          " AND EXISTS (SELECT 1 FROM catalog.variants v WHERE v.product_id = p.id AND v.removed_at IS NULL AND v.stock > v.reserved)");
    }
    return where.toString();
  }

  private static Cursor cursorAfter(Sort sort, Row last) {
    String value =
        switch (sort) {
          case NEWEST -> last.getOffsetDateTime("created_at").toString();
          case PRICE, PRICE_DESCENDING -> String.valueOf(last.getLong("price"));
          case RATING ->
              last.getBigDecimal("rating_average").toPlainString()
                  + "/"
                  + last.getInteger("rating_count");
          case RELEVANCE -> String.valueOf(last.getFloat("rank"));
        };
    return new Cursor(sort, value, last.getUUID("id"));
  }

  /** Bind parameters in the order their placeholders were written. */
  private static final class Query {
    final Tuple args = Tuple.tuple();

    String bind(Object value) {
      args.addValue(value);
      return "$" + args.size();
    }
  }
}
