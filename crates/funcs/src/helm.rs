//! Placeholder module, filled by its owner.

use charthouse_gotmpl::Func;

use crate::Options;

pub(crate) fn register(_out: &mut Vec<Func>, _options: &Options) {}
