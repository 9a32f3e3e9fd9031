//! The replay's run: batches read, evaluated in parallel, folded in input order.

use super::aggregate::Aggregator;
use super::evaluate::{Evaluated, evaluate};
use super::report::Report;
use crate::history::HistoryReader;
use rayon::prelude::*;
use settle_engine::Playbook;

/// How a replay runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Records read and evaluated together.
    pub batch: usize,
    /// Largest changes kept in each currency.
    pub top: usize,
    /// Sample claim ids kept per transition cell.
    pub samples: usize,
    /// Bad records kept with their messages (all are counted).
    pub skipped_shown: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            batch: 4096,
            top: 10,
            samples: 3,
            skipped_shown: 50,
        }
    }
}

/// Runs a replay: reads `reader` to the end in batches, evaluates each batch in parallel on the
/// current rayon pool, and folds the results in input order. `each` sees every result in input
/// order (for a changes file); `progress` gets the bytes read up to each batch folded.
///
/// The fold of one batch and the reading of the next run alongside the evaluation of the
/// current one (`rayon::join`), so no core waits on the one-threaded parts; the order of the
/// fold, and so the report, does not depend on the pool's size.
pub fn run(
    reader: &mut HistoryReader,
    baseline: &Playbook,
    new: &Playbook,
    options: Options,
    history_name: &str,
    each: &mut (dyn FnMut(&Evaluated, &Aggregator<'_>) + Send),
    progress: &mut (dyn FnMut(u64) + Send),
) -> std::io::Result<Report> {
    let batch = options.batch.max(1);
    let mut agg = Aggregator::new(baseline, new, options);
    // Two batches of records and two of results, swapped each turn: their memory is reused.
    let (mut raws, mut spare) = (Vec::new(), Vec::new());
    reader.fill_batch(&mut raws, batch)?;
    let mut bytes = reader.bytes_read();
    let mut results: Vec<Evaluated> = Vec::new();
    // The evaluated batch waiting to be folded, with the bytes read up to its end.
    let (mut done, mut done_at): (Vec<Evaluated>, u64) = (Vec::new(), 0);
    let mut fold = |results: &mut Vec<Evaluated>, at: u64| {
        for r in results.iter() {
            agg.add(r);
            each(r, &agg);
        }
        if !results.is_empty() {
            progress(at);
        }
        results.clear();
    };
    loop {
        if raws.is_empty() {
            fold(&mut done, done_at);
            break;
        }
        let ((), next) = rayon::join(
            || {
                raws.par_iter()
                    .map(|r| evaluate(r, baseline, new))
                    .collect_into_vec(&mut results)
            },
            || {
                fold(&mut done, done_at);
                reader
                    .fill_batch(&mut spare, batch)
                    .map(|()| reader.bytes_read())
            },
        );
        std::mem::swap(&mut done, &mut results);
        done_at = bytes;
        std::mem::swap(&mut raws, &mut spare);
        bytes = next?;
    }
    Ok(agg.finish(history_name))
}
