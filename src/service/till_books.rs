//! Small questions the till's books screen asks that no other use case answers.

use super::Shop;
use crate::domain::cash::CashCount;
use crate::error::Result;

impl Shop {
    /// Whether a blind count of the open shift on `till` is off by more than the over/short
    /// threshold, so that `close_shift` wants a recount or a reason. It answers yes or no only:
    /// the figure expected stays hidden from the cashier.
    pub fn count_needs_reason(&self, till: &str, count: &CashCount) -> Result<bool> {
        let shift = self.require_shift(till)?;
        let expected = self.shift_summary(&shift)?.expected_cash;
        Ok((count.total() - expected).abs() > self.over_short_threshold()?)
    }
}
