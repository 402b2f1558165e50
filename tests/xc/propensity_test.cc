#include "slide/xc/propensity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

TEST(Propensity, JainEtAlFormula) {
  // N = 100, N_l = {0, 1, 10, 50}, A = 0.55, B = 1.5:
  //   C = (ln 100 - 1) * 2.5^0.55 = 3.6051702 * 1.6553 = 5.9675048
  //   q = 1 + C * (N_l + 1.5)^-0.55
  const std::vector<std::uint64_t> counts{0, 1, 10, 50};
  const Propensity p(counts, 100, kGenericPropensity);
  EXPECT_NEAR(p.inverse(0), 5.774661450557821, 1e-12);
  // With N_l = 1, (1 + B)^-A cancels (B + 1)^A: q = 1 + ln N - 1 = ln N exactly.
  EXPECT_NEAR(p.inverse(1), std::log(100.0), 1e-12);
  EXPECT_NEAR(p.inverse(2), 2.557431532775994, 1e-12);
  EXPECT_NEAR(p.inverse(3), 1.682808312673165, 1e-12);
  // Rarer labels weigh more; an id beyond the training labels is unseen (N_l = 0).
  EXPECT_GT(p.inverse(0), p.inverse(1));
  EXPECT_EQ(p.inverse(4), p.inverse(0));
  EXPECT_EQ(p.inverse(1000000), p.inverse(0));
  EXPECT_EQ(p.inverse_all().size(), 4u);
  EXPECT_EQ(p.num_points(), 100u);
}

TEST(Propensity, PresetsAndDatasetDefaults) {
  const std::vector<std::uint64_t> counts{0, 1};
  const Propensity amazon(counts, 100, kAmazonPropensity);
  EXPECT_NEAR(amazon.inverse(0), 5.382513499823969, 1e-12);
  const Propensity wiki(counts, 100, kWikipediaPropensity);
  EXPECT_NEAR(wiki.inverse(0), 7.744655828489764, 1e-12);
  EXPECT_NEAR(wiki.inverse(1), std::log(100.0), 1e-12);

  auto same = [](PropensityParams a, PropensityParams b) { return a.a == b.a && a.b == b.b; };
  EXPECT_TRUE(same(propensity_params_for_dataset("Amazon-670K"), kAmazonPropensity));
  EXPECT_TRUE(same(propensity_params_for_dataset("amazon-3m"), kAmazonPropensity));
  EXPECT_TRUE(same(propensity_params_for_dataset("AmazonCat-13K"), kGenericPropensity));
  EXPECT_TRUE(same(propensity_params_for_dataset("WikiLSHTC-325K"), kWikipediaPropensity));
  EXPECT_TRUE(same(propensity_params_for_dataset("WikipediaLarge-500K"), kWikipediaPropensity));
  EXPECT_TRUE(same(propensity_params_for_dataset("Wiki10-31K"), kGenericPropensity));
  EXPECT_TRUE(same(propensity_params_for_dataset("EURLex-4K"), kGenericPropensity));
  EXPECT_TRUE(same(propensity_preset("Amazon"), kAmazonPropensity));
  EXPECT_TRUE(same(propensity_preset("wikipedia"), kWikipediaPropensity));
  EXPECT_TRUE(same(propensity_preset("generic"), kGenericPropensity));
  EXPECT_THROW(propensity_preset("eurlex"), UsageError);
}

TEST(Propensity, RejectsBadParameters) {
  const std::vector<std::uint64_t> counts{1};
  EXPECT_THROW(Propensity(counts, 0), UsageError);
  EXPECT_THROW(Propensity(counts, 10, {-0.1, 1.5}), UsageError);
  EXPECT_THROW(Propensity(counts, 10, {0.55, 0.0}), UsageError);
  EXPECT_THROW(Propensity(counts, 10, {NAN, 1.5}), UsageError);
  EXPECT_THROW(Propensity::from_inverse({1.0, 0.0}, 2.0), UsageError);
  EXPECT_THROW(Propensity::from_inverse({1.0}, INFINITY), UsageError);
  const Propensity given = Propensity::from_inverse({1.0, 3.0}, 7.0);
  EXPECT_EQ(given.inverse(1), 3.0);
  EXPECT_EQ(given.inverse(2), 7.0);
}

}  // namespace
}  // namespace slide::xc
