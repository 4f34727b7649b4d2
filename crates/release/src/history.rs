//! Questions about a release's history that helm's storage layer answers
//! (`pkg/storage/storage.go`): the latest revision, the deployed one, and which
//! revisions `--history-max` removes.

use crate::{Release, Status};

/// The revision with the highest number.
pub fn latest(history: &[Release]) -> Option<&Release> {
    history.iter().max_by_key(|r| r.version)
}

/// The deployed revision; if several claim it (concurrent helm runs can do that), the
/// newest, as helm decides.
pub fn deployed(history: &[Release]) -> Option<&Release> {
    history
        .iter()
        .filter(|r| r.status() == Status::Deployed)
        .max_by_key(|r| r.version)
}

/// The revisions to delete before a new one is created, so that at most `max_history`
/// remain afterwards (`Storage.Create` → `removeLeastRecent(name, max-1)`).
///
/// Oldest go first, and the deployed revision is never deleted, so the result may leave
/// more than `max_history` revisions. `max_history == 0` means unlimited.
pub fn revisions_to_prune(history: &[Release], max_history: usize) -> Vec<i64> {
    if max_history == 0 {
        return Vec::new();
    }
    let keep = max_history - 1;
    if history.len() <= keep {
        return Vec::new();
    }
    let mut versions: Vec<i64> = history.iter().map(|r| r.version).collect();
    versions.sort_unstable();
    let deployed = deployed(history).map(|r| r.version);
    let mut doomed = Vec::new();
    for version in versions.iter().copied() {
        if versions.len() - doomed.len() == keep {
            break;
        }
        if Some(version) != deployed {
            doomed.push(version);
        }
    }
    doomed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Info;

    fn rev(version: i64, status: Status) -> Release {
        Release {
            name: "r".into(),
            version,
            info: Some(Info {
                status,
                ..Info::default()
            }),
            ..Release::default()
        }
    }

    #[test]
    fn prunes_oldest_but_keeps_deployed() {
        let h = vec![
            rev(1, Status::Superseded),
            rev(2, Status::Deployed),
            rev(3, Status::Failed),
            rev(4, Status::Failed),
        ];
        // Room for one new revision with max 3: keep 2 old ones, deployed #2 survives.
        assert_eq!(revisions_to_prune(&h, 3), vec![1, 3]);
        assert_eq!(revisions_to_prune(&h, 1), vec![1, 3, 4]);
        assert_eq!(revisions_to_prune(&h, 10), Vec::<i64>::new());
        assert_eq!(revisions_to_prune(&h, 0), Vec::<i64>::new());
        assert_eq!(deployed(&h).map(|r| r.version), Some(2));
        assert_eq!(latest(&h).map(|r| r.version), Some(4));
    }

    #[test]
    fn newest_of_several_deployed_wins() {
        let h = vec![
            rev(5, Status::Deployed),
            rev(7, Status::Deployed),
            rev(6, Status::Superseded),
        ];
        assert_eq!(deployed(&h).map(|r| r.version), Some(7));
    }
}
