package io.emporium.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.catalog.domain.SearchIndex.After;
import io.emporium.catalog.domain.SearchIndex.Listed;
import io.emporium.catalog.domain.SearchIndex.Query;
import io.emporium.catalog.domain.SearchRules.Sort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SearchIndexTest {
  private static final UUID SELLER = UUID.randomUUID();
  private static final UUID SHELF = UUID.randomUUID();
  private static final UUID LOWER_SHELF = UUID.randomUUID();

  private static Listed product(
      String id, UUID category, long price, long created, boolean inStock, String words) {
    return new Listed(
        UUID.fromString(id),
        SELLER,
        category,
        price,
        created,
        0,
        0,
        inStock,
        TextRank.parse(words));
  }

  private static Query query(List<Set<String>> wanted, Sort sort, After after, int limit) {
    return new Query(wanted, null, null, null, null, false, sort, after, limit);
  }

  private static List<String> names(SearchIndex.Result r) {
    return r.page().stream().map(h -> h.id().toString().substring(0, 1)).toList();
  }

  private static SearchIndex index() {
    SearchIndex index = new SearchIndex();
    index.categories(Map.of(SHELF, UUID.randomUUID(), LOWER_SHELF, SHELF));
    index.put(
        product(
            "a0000000-0000-0000-0000-000000000001", SHELF, 500, 1, true, "'copper':1A 'kettl':2A"));
    index.put(
        product(
            "b0000000-0000-0000-0000-000000000002",
            LOWER_SHELF,
            900,
            2,
            false,
            "'copper':1A 'mug':2A"));
    index.put(
        product("c0000000-0000-0000-0000-000000000003", null, 300, 3, true, "'kettl':1A 'mug':3B"));
    index.put(product("f0000000-0000-0000-0000-000000000004", null, 300, 4, true, "'lamp':1A"));
    return index;
  }

  @Test
  void everyQueryWordMustMatchOneOfItsAcceptedWords() {
    SearchIndex index = index();
    assertThat(
            names(
                index.search(
                    query(List.of(Set.of("copper"), Set.of("kettl")), Sort.PRICE, null, 10))))
        .containsExactly("a");
    assertThat(names(index.search(query(List.of(Set.of("coppr", "copper")), Sort.PRICE, null, 10))))
        .containsExactly("a", "b");
    assertThat(
            names(
                index.search(
                    query(List.of(Set.of("copper"), Set.of("nothing")), Sort.PRICE, null, 10))))
        .isEmpty();
    assertThat(names(index.search(query(List.of(Set.of()), Sort.PRICE, null, 10)))).isEmpty();
  }

  @Test
  void ordersBreakTiesByIdAsPostgresqlComparesUuids() {
    SearchIndex index = index();
    assertThat(names(index.search(query(List.of(), Sort.PRICE, null, 10))))
        .containsExactly("c", "f", "a", "b");
    assertThat(names(index.search(query(List.of(), Sort.PRICE_DESCENDING, null, 10))))
        .containsExactly("b", "a", "f", "c");
    assertThat(names(index.search(query(List.of(), Sort.NEWEST, null, 10))))
        .containsExactly("f", "c", "b", "a");
  }

  @Test
  void keysetPagesVisitEachProductOnceAndTheFirstCarriesTheCounts() {
    SearchIndex index = index();
    List<String> seen = new ArrayList<>();
    After after = null;
    while (true) {
      SearchIndex.Result r = index.search(query(List.of(), Sort.PRICE, after, 1));
      assertThat(r.counts() == null).isEqualTo(after != null);
      seen.add(names(r).get(0));
      if (r.page().size() < 2) {
        break;
      }
      SearchIndex.Hit last = r.page().get(0);
      after = new After(last.product().price(), 0, 0, 0, last.id());
    }
    assertThat(seen).containsExactly("c", "f", "a", "b");
  }

  @Test
  void filtersTakeACategoryWithItsSubcategoriesAndTheCountsFollowThem() {
    SearchIndex index = index();
    Query inShelf =
        new Query(List.of(), index.subtree(SHELF), null, 400L, null, false, Sort.PRICE, null, 10);
    SearchIndex.Result r = index.search(inShelf);
    assertThat(names(r)).containsExactly("a", "b");
    assertThat(r.counts().total()).isEqualTo(2);
    Query inStock = new Query(List.of(), null, null, null, null, true, Sort.PRICE, null, 10);
    SearchIndex.Result stocked = index.search(inStock);
    assertThat(names(stocked)).containsExactly("c", "f", "a");
    assertThat(stocked.counts().categories().get(0))
        .isEqualTo(new SearchIndex.CategoryCount(null, 2));
    assertThat(stocked.counts().priceRanges()).containsExactly(3L, 0L, 0L, 0L, 0L, 0L);
  }

  @Test
  void aProductPutAgainIsReindexedAndARemovedOneIsGone() {
    SearchIndex index = index();
    index.put(product("a0000000-0000-0000-0000-000000000001", SHELF, 500, 1, true, "'lamp':1A"));
    index.remove(UUID.fromString("f0000000-0000-0000-0000-000000000004"));
    assertThat(names(index.search(query(List.of(Set.of("lamp")), Sort.RELEVANCE, null, 10))))
        .containsExactly("a");
    assertThat(names(index.search(query(List.of(Set.of("kettl")), Sort.RELEVANCE, null, 10))))
        .containsExactly("c");
    assertThat(index.size()).isEqualTo(3);
  }

  @Test
  void longWordListsMatchTheSameAsShortOnes() {
    SearchIndex index = new SearchIndex();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      UUID id = new UUID(0, i + 1);
      ids.add(id);
      String words =
          "'common':1" + (i % 3 == 0 ? " 'third':2" : "") + (i % 5 == 0 ? " 'fifth':3" : "");
      index.put(new Listed(id, SELLER, null, i, i, 0, 0, true, TextRank.parse(words)));
    }
    for (int i = 0; i < 3_000; i += 2) {
      index.remove(ids.get(i));
    }
    Query both =
        query(List.of(Set.of("common"), Set.of("third"), Set.of("fifth")), Sort.PRICE, null, 100);
    SearchIndex.Result r = index.search(both);
    // odd i divisible by 15: 15, 45, 75, ... below 3 000
    assertThat(r.counts().total()).isEqualTo(100);
    assertThat(r.page().get(0).product().price()).isEqualTo(15);
    Query either = query(List.of(Set.of("third", "fifth")), Sort.PRICE, null, 10);
    // odd i divisible by 3 or 5: 500 + 300 - 100
    assertThat(index.search(either).counts().total()).isEqualTo(700);
  }
}
