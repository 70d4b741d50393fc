package io.emporium.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.emporium.common.config.EmporiumConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NearCacheTest {
  private static NearCache cache(long maxBytes) {
    return new NearCache(new EmporiumConfig.NearCache(maxBytes, Duration.ofMinutes(1)));
  }

  @Test
  void aFilledMissIsAHitUntilItsProductIsRetired() {
    NearCache near = cache(1 << 20);
    NearCache.Lookup miss = near.product("p1");
    assertThat(miss.hit()).isFalse();
    near.fill(miss, "{\"v\":1}");
    assertThat(near.product("p1").body()).isEqualTo("{\"v\":1}");
    near.retireProduct("p1");
    assertThat(near.product("p1").hit()).isFalse();
  }

  @Test
  void anAnswerReadBeforeAChangeIsNotKeptAfterIt() {
    NearCache near = cache(1 << 20);
    NearCache.Lookup before = near.product("p1");
    near.retireProduct("p1");
    near.fill(before, "{\"v\":\"old\"}");
    NearCache.Lookup after = near.product("p1");
    assertThat(after.hit()).as("the old answer").isFalse();
    near.fill(after, "{\"v\":\"new\"}");
    assertThat(near.product("p1").body()).isEqualTo("{\"v\":\"new\"}");
  }

  @Test
  void concurrentMissesShareOnePlaceholderAndEitherMayFillIt() {
    NearCache near = cache(1 << 20);
    NearCache.Lookup first = near.product("p1");
    NearCache.Lookup second = near.product("p1");
    near.fill(second, "{}");
    near.fill(first, "{\"late\":true}");
    assertThat(near.product("p1").body()).isEqualTo("{}");
  }

  @Test
  void anyChangeRetiresEveryListingButNoOtherProductsPage() {
    NearCache near = cache(1 << 20);
    NearCache.Lookup listing = near.listing("q=mug");
    near.fill(listing, "[1]");
    NearCache.Lookup page = near.product("p2");
    near.fill(page, "{}");
    assertThat(near.listing("q=mug").body()).isEqualTo("[1]");
    near.retireProduct("p1");
    assertThat(near.listing("q=mug").hit()).isFalse();
    assertThat(near.product("p2").body()).isEqualTo("{}");
  }

  @Test
  void aListingReadBeforeAChangeIsNotKeptAfterIt() {
    NearCache near = cache(1 << 20);
    NearCache.Lookup before = near.listing("q=mug");
    near.retireListings();
    near.fill(before, "[\"old\"]");
    assertThat(near.listing("q=mug").hit()).isFalse();
  }

  @Test
  void itHoldsNoMoreThanItsBytes() {
    NearCache near = cache(64 * 1024);
    String body = "x".repeat(1000);
    for (int i = 0; i < 1000; i++) {
      near.fill(near.product("p" + i), body);
    }
    int kept = 0;
    for (int i = 0; i < 1000; i++) {
      if (near.product("p" + i).hit()) {
        kept++;
      }
    }
    assertThat(kept).isPositive().isLessThanOrEqualTo(64 * 1024 / 2000);
  }

  @Test
  void offItNeverHits() {
    NearCache near = cache(0);
    NearCache.Lookup miss = near.product("p1");
    near.fill(miss, "{}");
    assertThat(near.product("p1").hit()).isFalse();
  }
}
