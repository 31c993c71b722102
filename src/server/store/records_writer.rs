//! Group commit of new records: the saves that arrive together are written in one
//! transaction, so that one flush to the disk (SQLite's WAL under `synchronous = FULL`,
//! Postgres's WAL) carries them all, where a transaction each spent the disk's commit rate
//! on one record at a time. One task writes: it takes what waits (at most
//! [`MOST_PER_COMMIT`]), writes them in a few multi-row statements
//! (`records::insert_batch`: those past their owner's daily quota taken out again), counts
//! them in the statistics once, commits, and only then answers each save: an acknowledged
//! record is on disk, and a record sent twice is stored once (`ON CONFLICT (id) DO NOTHING`).
//! A batch the database refuses is written again record by record, so that one bad record
//! never fails the others.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::clock;
use crate::domain::{Accompagnement, ConseillerId};
use crate::server::store::db::Db;
use crate::server::store::records::{insert_batch, Created};
use crate::wire::ApiError;

/// A commit carries at most this many records: enough for every connection of a busy
/// server at once, few enough that the first waits little for the last.
const MOST_PER_COMMIT: usize = 256;
/// Saves waiting beyond this many make their requests wait to be queued (back-pressure).
const QUEUE: usize = 1024;
/// A save that cannot even be queued this long finds the server overloaded: 503, the phone
/// keeps the record and sends it later.
const QUEUE_TIMEOUT: Duration = Duration::from_secs(3);

/// The handle the requests queue their new records on; cheap to clone.
#[derive(Clone, Debug)]
pub struct RecordsWriter {
    queue: mpsc::Sender<NewRecord>,
}

#[derive(Debug)]
struct NewRecord {
    owner: ConseillerId,
    record: Accompagnement,
    answer: oneshot::Sender<Result<Created, ApiError>>,
}

impl RecordsWriter {
    /// Starts the writer on a thread of its own; it ends with the last handle.
    ///
    /// Its own thread, because the writer waits on the database a dozen times per batch: on
    /// the server's runtime each of those wake-ups queued behind the requests' tasks (under
    /// load, dozens), and every save waited for the batch's slowest turn.
    pub fn start(db: Db, records_per_day: usize) -> RecordsWriter {
        let (queue, waiting) = mpsc::channel(QUEUE);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the records writer's runtime");
        std::thread::Builder::new()
            .name("records-writer".into())
            .spawn(move || {
                runtime.block_on(async {
                    let db = db.for_another_runtime(2);
                    write_forever(db, records_per_day, waiting).await
                })
            })
            .expect("the records writer's thread");
        RecordsWriter { queue }
    }

    /// Creates `record` for `owner`, answered once its commit is durable.
    pub async fn create(
        &self,
        owner: &ConseillerId,
        record: Accompagnement,
    ) -> Result<Created, ApiError> {
        let (answer, answered) = oneshot::channel();
        let new = NewRecord {
            owner: owner.clone(),
            record,
            answer,
        };
        match tokio::time::timeout(QUEUE_TIMEOUT, self.queue.send(new)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => return Err(ApiError::Busy),
        }
        answered.await.unwrap_or(Err(ApiError::Unavailable))
    }
}

async fn write_forever(db: Db, records_per_day: usize, mut waiting: mpsc::Receiver<NewRecord>) {
    let mut batch = Vec::with_capacity(MOST_PER_COMMIT);
    while waiting.recv_many(&mut batch, MOST_PER_COMMIT).await > 0 {
        let all: Vec<&NewRecord> = batch.iter().collect();
        let outcomes = match write(&db, records_per_day, &all).await {
            Ok(outcomes) => outcomes,
            Err(error) if all.len() == 1 => vec![Err(error)],
            Err(error) => {
                tracing::warn!(%error, records = all.len(), "a batch failed: one by one");
                let mut outcomes = Vec::with_capacity(all.len());
                for new in &all {
                    let alone = write(&db, records_per_day, &[new]).await;
                    outcomes.push(alone.and_then(|mut one| one.pop().expect("one outcome")));
                }
                outcomes
            }
        };
        for (new, outcome) in batch.drain(..).zip(outcomes) {
            if let Ok(Created::New { .. }) = outcome {
                tracing::info!(conseiller = %new.owner, id = %new.record.id(), "record created");
            }
            // The request may have gone (the phone gave up): it will send the record again.
            let _ = new.answer.send(outcome);
        }
    }
}

/// Writes the batch in one transaction: each record's outcome, or the error that undid all.
async fn write(
    db: &Db,
    records_per_day: usize,
    batch: &[&NewRecord],
) -> Result<Vec<Result<Created, ApiError>>, ApiError> {
    let records: Vec<(&ConseillerId, &Accompagnement)> =
        batch.iter().map(|new| (&new.owner, &new.record)).collect();
    let mut tx = db.write().await?;
    let outcomes = insert_batch(&mut tx, &records, clock::now(), records_per_day).await?;
    tx.commit().await?;
    Ok(outcomes)
}
