package io.emporium.catalog.domain;

import io.emporium.catalog.domain.SearchRules.Sort;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The listed products (active, not deleted) held in memory for search: each one's words, price,
 * age, rating, category, seller and whether anything is in stock, with an inverted index from word
 * to products. A search is evaluated here in full (matching, filters, order, keyset page, facets);
 * only the page's products are read from the database. Not thread-safe: one owner mutates and reads
 * it. Pure.
 */
public final class SearchIndex {
  /** What the index keeps of one listed product. */
  public record Listed(
      UUID id,
      UUID sellerId,
      UUID categoryId,
      long price,
      long createdMicros,
      int ratingHundredths,
      int ratingCount,
      boolean inStock,
      TextRank.Words words) {}

  /**
   * A search: per query word the words (lexemes) any of which it accepts (empty: no query), and the
   * filters; {@code categories} null means any category.
   */
  public record Query(
      List<Set<String>> wanted,
      Set<UUID> categories,
      UUID sellerId,
      Long minPrice,
      Long maxPrice,
      boolean inStock,
      Sort sort,
      After after,
      int limit) {}

  /** Where a keyset page starts: after this product's place in the order. */
  public record After(long value, int rating, int count, float rank, UUID id) {
    /** The place of a cursor, or null when its value is not one this sort writes. */
    public static After of(SearchRules.Cursor cursor) {
      try {
        return switch (cursor.sort()) {
          case NEWEST ->
              new After(
                  micros(java.time.OffsetDateTime.parse(cursor.value())), 0, 0, 0, cursor.id());
          case PRICE, PRICE_DESCENDING ->
              new After(Long.parseLong(cursor.value()), 0, 0, 0, cursor.id());
          case RATING -> {
            String[] parts = cursor.value().split("/", 2);
            yield new After(
                0,
                new java.math.BigDecimal(parts[0]).movePointRight(2).intValueExact(),
                Integer.parseInt(parts[1]),
                0,
                cursor.id());
          }
          case RELEVANCE -> {
            float rank = Float.parseFloat(cursor.value());
            yield Float.isFinite(rank) ? new After(0, 0, 0, rank, cursor.id()) : null;
          }
        };
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** One product of a page and the values its cursor is written from. */
  public record Hit(UUID id, float rank, Listed product) {}

  /** The products in one category among a search's matches (null: without a category). */
  public record CategoryCount(UUID categoryId, long count) {}

  /**
   * A search's matches counted: all, per category (most first), and per price range (the ranges
   * {@link SearchRules#PRICE_BOUNDS} cut, the last open).
   */
  public record Counts(long total, List<CategoryCount> categories, List<Long> priceRanges) {}

  /** A page (one more than asked when another follows) and, on a first page, the counts. */
  public record Result(List<Hit> page, Counts counts) {}

  private Listed[] docs = new Listed[1024];
  private final Map<UUID, Integer> docOf = new HashMap<>();
  private final ArrayDeque<Integer> freeDocs = new ArrayDeque<>();
  private int nextDoc;
  private final Map<String, Postings> postings = new HashMap<>();
  private Map<UUID, List<UUID>> children = Map.of();

  public int size() {
    return docOf.size();
  }

  /** Adds a listed product, or replaces what the index held of it. */
  public void put(Listed p) {
    Integer doc = docOf.get(p.id());
    if (doc != null) {
      unindexWords(doc, docs[doc]);
    } else {
      doc = freeDocs.isEmpty() ? nextDoc++ : freeDocs.poll();
      if (doc >= docs.length) {
        docs = Arrays.copyOf(docs, docs.length * 2);
      }
      docOf.put(p.id(), doc);
    }
    String[] lexemes = p.words().lexemes();
    for (int i = 0; i < lexemes.length; i++) {
      Postings list = postings.computeIfAbsent(lexemes[i], Postings::new);
      list.add(doc);
      // one String per word across the index, not one per product
      lexemes[i] = list.word;
    }
    docs[doc] = p;
  }

  /** Forgets a product (no longer listed); nothing happens for one it does not hold. */
  public void remove(UUID id) {
    Integer doc = docOf.remove(id);
    if (doc != null) {
      unindexWords(doc, docs[doc]);
      docs[doc] = null;
      freeDocs.push(doc);
    }
  }

  public void clear() {
    docs = new Listed[1024];
    docOf.clear();
    freeDocs.clear();
    nextDoc = 0;
    postings.clear();
  }

  /** The category tree, as each category's parent (null for a top category). */
  public void categories(Map<UUID, UUID> parentOf) {
    Map<UUID, List<UUID>> tree = new HashMap<>();
    parentOf.forEach(
        (id, parent) -> {
          if (parent != null) {
            tree.computeIfAbsent(parent, k -> new ArrayList<>()).add(id);
          }
        });
    children = tree;
  }

  /** A category and every category under it. */
  public Set<UUID> subtree(UUID category) {
    Set<UUID> out = new HashSet<>();
    ArrayDeque<UUID> todo = new ArrayDeque<>(List.of(category));
    while (!todo.isEmpty()) {
      UUID c = todo.poll();
      if (out.add(c)) {
        todo.addAll(children.getOrDefault(c, List.of()));
      }
    }
    return out;
  }

  public Result search(Query q) {
    boolean text = !q.wanted().isEmpty();
    List<String> items = new ArrayList<>(new TreeSet<>(flatten(q.wanted())));
    // a query whose every word is a stop word (no lexemes) matches nothing, as in PostgreSQL
    if (text && q.wanted().stream().allMatch(Set::isEmpty)) {
      return new Result(List.of(), q.after() == null ? count(List.of()) : null);
    }
    List<Set<String>> groups = q.wanted().stream().filter(g -> !g.isEmpty()).toList();
    boolean all = groups.size() > 1;
    int[] candidates = text ? matching(groups) : null;
    Comparator<Hit> order = order(q.sort());
    PriorityQueue<Hit> best = new PriorityQueue<>(order.reversed());
    List<Listed> matches = q.after() == null ? new ArrayList<>() : null;
    int n = text ? candidates.length : nextDoc;
    for (int i = 0; i < n; i++) {
      Listed p = docs[text ? candidates[i] : i];
      if (p == null || !passes(p, q)) {
        continue;
      }
      if (matches != null) {
        matches.add(p);
      }
      float rank = text && q.sort() == Sort.RELEVANCE ? TextRank.rank(p.words(), items, all) : 0f;
      Hit hit = new Hit(p.id(), rank, p);
      if (q.after() != null && !isAfter(hit, q.sort(), q.after())) {
        continue;
      }
      if (best.size() <= q.limit()) {
        best.add(hit);
      } else if (order.compare(hit, best.peek()) < 0) {
        best.poll();
        best.add(hit);
      }
    }
    List<Hit> page = new ArrayList<>(best);
    page.sort(order);
    return new Result(page, matches == null ? null : count(matches));
  }

  private boolean passes(Listed p, Query q) {
    return (q.categories() == null || q.categories().contains(p.categoryId()))
        && (q.sellerId() == null || q.sellerId().equals(p.sellerId()))
        && (q.minPrice() == null || p.price() >= q.minPrice())
        && (q.maxPrice() == null || p.price() <= q.maxPrice())
        && (!q.inStock() || p.inStock());
  }

  /** The products holding, for every group, at least one of its words; sorted. */
  private int[] matching(List<Set<String>> groups) {
    List<Postings> each = new ArrayList<>();
    for (Set<String> group : groups) {
      Postings union = null;
      for (String lexeme : group) {
        Postings list = postings.get(lexeme);
        if (list != null) {
          union = union == null ? list : Postings.union(union, list);
        }
      }
      if (union == null) {
        return new int[0];
      }
      each.add(union);
    }
    each.sort(Comparator.comparingInt(Postings::size));
    int[] out = Arrays.copyOf(each.get(0).docs, each.get(0).size);
    for (int i = 1; i < each.size() && out.length > 0; i++) {
      out = each.get(i).keep(out);
    }
    return out;
  }

  private static Counts count(List<Listed> matches) {
    Map<UUID, long[]> perCategory = new HashMap<>();
    long[] ranges = new long[SearchRules.PRICE_BOUNDS.size() + 1];
    for (Listed p : matches) {
      perCategory.computeIfAbsent(p.categoryId(), k -> new long[1])[0]++;
      int r = 0;
      while (r < SearchRules.PRICE_BOUNDS.size() && p.price() >= SearchRules.PRICE_BOUNDS.get(r)) {
        r++;
      }
      ranges[r]++;
    }
    List<CategoryCount> categories = new ArrayList<>();
    perCategory.forEach((c, count) -> categories.add(new CategoryCount(c, count[0])));
    categories.sort(
        Comparator.comparingLong((CategoryCount c) -> -c.count())
            .thenComparing(c -> c.categoryId() == null ? "" : c.categoryId().toString()));
    return new Counts(matches.size(), categories, Arrays.stream(ranges).boxed().toList());
  }

  /** A listing order, as PostgreSQL orders it (ids compared as unsigned bytes). */
  private static Comparator<Hit> order(Sort sort) {
    return (a, b) -> compare(sort, a, b);
  }

  private static int compare(Sort sort, Hit a, Hit b) {
    Listed x = a.product();
    Listed y = b.product();
    int c =
        switch (sort) {
          case NEWEST -> Long.compare(y.createdMicros(), x.createdMicros());
          case PRICE -> Long.compare(x.price(), y.price());
          case PRICE_DESCENDING -> Long.compare(y.price(), x.price());
          case RATING -> {
            int r = Integer.compare(y.ratingHundredths(), x.ratingHundredths());
            yield r != 0 ? r : Integer.compare(y.ratingCount(), x.ratingCount());
          }
          case RELEVANCE -> Float.compare(b.rank(), a.rank());
        };
    if (c != 0) {
      return c;
    }
    return sort == Sort.PRICE ? compareIds(a.id(), b.id()) : compareIds(b.id(), a.id());
  }

  private static boolean isAfter(Hit h, Sort sort, After a) {
    Listed p = h.product();
    int byId = compareIds(h.id(), a.id());
    return switch (sort) {
      case NEWEST -> p.createdMicros() < a.value() || (p.createdMicros() == a.value() && byId < 0);
      case PRICE -> p.price() > a.value() || (p.price() == a.value() && byId > 0);
      case PRICE_DESCENDING -> p.price() < a.value() || (p.price() == a.value() && byId < 0);
      case RATING ->
          p.ratingHundredths() < a.rating()
              || (p.ratingHundredths() == a.rating()
                  && (p.ratingCount() < a.count() || (p.ratingCount() == a.count() && byId < 0)));
      case RELEVANCE -> h.rank() < a.rank() || (h.rank() == a.rank() && byId < 0);
    };
  }

  /** PostgreSQL's order of uuids: their bytes, unsigned. */
  public static int compareIds(UUID a, UUID b) {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }

  public static long micros(java.time.OffsetDateTime t) {
    return t.toEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  private void unindexWords(int doc, Listed old) {
    for (String lexeme : old.words().lexemes()) {
      Postings list = postings.get(lexeme);
      if (list != null && list.remove(doc) && list.size() == 0) {
        postings.remove(lexeme);
      }
    }
  }

  private static Collection<String> flatten(List<Set<String>> groups) {
    List<String> out = new ArrayList<>();
    groups.forEach(out::addAll);
    return out;
  }

  /**
   * The products holding one word: a sorted array of document numbers and, once it is long, a
   * bitmap of them too (a long list is probed, not merged: a merge mispredicts a branch at every
   * step).
   */
  private static final class Postings {
    private static final int BITMAP_FROM = 1_024;

    final String word;
    private int[] docs = new int[4];
    private int size;
    private long[] bits;

    Postings(String word) {
      this.word = word;
    }

    int size() {
      return size;
    }

    void add(int doc) {
      int at = Arrays.binarySearch(docs, 0, size, doc);
      if (at >= 0) {
        return;
      }
      at = -at - 1;
      if (size == docs.length) {
        docs = Arrays.copyOf(docs, size * 2);
      }
      System.arraycopy(docs, at, docs, at + 1, size - at);
      docs[at] = doc;
      size++;
      if (bits != null) {
        mark(doc);
      } else if (size >= BITMAP_FROM) {
        for (int i = 0; i < size; i++) {
          mark(docs[i]);
        }
      }
    }

    boolean remove(int doc) {
      int at = Arrays.binarySearch(docs, 0, size, doc);
      if (at < 0) {
        return false;
      }
      System.arraycopy(docs, at + 1, docs, at, size - at - 1);
      size--;
      if (bits != null) {
        bits[doc >> 6] &= ~(1L << doc);
      }
      return true;
    }

    private void mark(int doc) {
      if (bits == null || (doc >> 6) >= bits.length) {
        bits = Arrays.copyOf(bits == null ? new long[0] : bits, Math.max(doc >> 5, 16));
      }
      bits[doc >> 6] |= 1L << doc;
    }

    private boolean holds(int doc) {
      return (doc >> 6) < bits.length && (bits[doc >> 6] & (1L << doc)) != 0;
    }

    /** The entries of a sorted array that this list holds. */
    int[] keep(int[] candidates) {
      int[] out = new int[Math.min(candidates.length, size)];
      int n = 0;
      if (bits != null) {
        for (int doc : candidates) {
          if (holds(doc)) {
            out[n++] = doc;
          }
        }
      } else {
        int from = 0;
        for (int doc : candidates) {
          int at = Arrays.binarySearch(docs, from, size, doc);
          if (at >= 0) {
            out[n++] = doc;
            from = at + 1;
          } else {
            from = -at - 1;
          }
          if (from >= size) {
            break;
          }
        }
      }
      return Arrays.copyOf(out, n);
    }

    /** A list (of no word) holding what either holds: the words of a query word and its typo. */
    static Postings union(Postings a, Postings b) {
      Postings out = new Postings(null);
      out.docs = new int[a.size + b.size];
      int i = 0;
      int j = 0;
      int n = 0;
      while (i < a.size || j < b.size) {
        if (j == b.size || (i < a.size && a.docs[i] < b.docs[j])) {
          out.docs[n++] = a.docs[i++];
        } else if (i == a.size || b.docs[j] < a.docs[i]) {
          out.docs[n++] = b.docs[j++];
        } else {
          out.docs[n++] = a.docs[i++];
          j++;
        }
      }
      out.size = n;
      return out;
    }
  }
}
