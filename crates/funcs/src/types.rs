//! Placeholder module, filled by its owner.

use charthouse_gotmpl::Func;

pub(crate) fn register(_out: &mut Vec<Func>) {}
