//! `search repo` (helm's `pkg/cmd/search` and `search_repo.go`): match a keyword or regular
//! expression against each chart's name, `repo/name`, description and keywords, score by the
//! field it matched in, sort, then keep the versions the constraint allows.

use std::collections::HashSet;

use charthouse_chart::semver::{Constraints, Version};

use crate::error::{Error, Result};
use crate::index::{ChartVersion, IndexFile};

/// helm's field separator in the search line; the score counts separators before a match.
const SEP: char = '\u{b}';

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult<'a> {
    /// `repo/chart`.
    pub name: String,
    /// 0 when the match was in the chart name, then 1, 2, 3 for the later fields.
    pub score: usize,
    /// The chart version that matched.
    pub chart: &'a ChartVersion,
}

/// What to search for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchOptions {
    /// The keyword (words joined by spaces); `None` lists everything.
    pub keyword: Option<String>,
    /// Treat the keyword as a regular expression.
    pub regexp: bool,
    /// List every matching version, not only the newest per chart.
    pub versions: bool,
    /// A semver constraint; empty means `>0.0.0` (or `>0.0.0-0` with `devel`).
    pub version: String,
    /// Include pre-releases when no constraint is given.
    pub devel: bool,
}

/// Searches the indexes (repository name, index) as `helm search repo` does.
pub fn search<'a>(
    indexes: &'a [(String, IndexFile)],
    opts: &SearchOptions,
) -> Result<Vec<SearchResult<'a>>> {
    let constraint_text = if !opts.version.is_empty() {
        opts.version.clone()
    } else if opts.devel {
        ">0.0.0-0".to_owned()
    } else {
        ">0.0.0".to_owned()
    };
    let matcher = match (&opts.keyword, opts.regexp) {
        (Some(k), true) => {
            Some(Matcher::Regex(regex::Regex::new(k).map_err(|e| {
                Error::usage(format!("error parsing regexp: {e}"))
            })?))
        }
        (Some(k), false) => Some(Matcher::Literal(k.to_lowercase())),
        (None, _) => None,
    };
    let mut results = Vec::new();
    // helm fills in the default constraint before building its search index, so the index
    // holds every version (keyed `repo/chart$$version`: a later repository of the same name
    // replaces an earlier one, which the set reproduces); the constraint step then keeps the
    // newest match per chart.
    let mut seen: HashSet<(&str, &str, &str)> = HashSet::new();
    for (repo, index) in indexes.iter().rev() {
        for (name, versions) in &index.entries {
            let full = format!("{repo}/{name}");
            let mut line = String::new();
            for cv in versions {
                if !seen.insert((repo.as_str(), name.as_str(), cv.version.as_str())) {
                    continue;
                }
                let score = match &matcher {
                    None => Some(0),
                    Some(m) => {
                        search_line(&mut line, repo, cv);
                        m.score(&line)
                    }
                };
                if let Some(score) = score {
                    results.push(SearchResult {
                        name: full.clone(),
                        score,
                        chart: cv,
                    });
                }
            }
        }
    }
    apply_constraint(sort_results(results), &constraint_text, opts.versions)
}

enum Matcher {
    Literal(String),
    Regex(regex::Regex),
}

impl Matcher {
    /// helm's score: how many field separators precede the match (Go lowercases the line
    /// for a literal search and counts in the lowercased text).
    fn score(&self, line: &str) -> Option<usize> {
        let count = |text: &str, pos: usize| text[..pos].matches(SEP).count();
        match self {
            Matcher::Literal(term) => {
                let lower = line.to_lowercase();
                let pos = lower.find(term.as_str())?;
                Some(count(&lower, pos))
            }
            Matcher::Regex(re) => Some(count(line, re.find(line)?.start())),
        }
    }
}

/// helm's `indstr` (`name \v repo/name \v description \v keywords`), into a reused buffer.
fn search_line(line: &mut String, repo: &str, cv: &ChartVersion) {
    line.clear();
    for part in [
        cv.name.as_str(),
        "\u{b}",
        repo,
        "/",
        cv.name.as_str(),
        "\u{b}",
    ] {
        line.push_str(part);
    }
    line.push_str(&cv.description);
    line.push(SEP);
    for (i, k) in cv.keywords.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(k);
    }
}

/// helm's `SortScore`: score, then name, then newest version first. Versions are parsed
/// once up front: parsing inside the comparator dominated the time on large indexes.
fn sort_results(results: Vec<SearchResult<'_>>) -> Vec<(SearchResult<'_>, Option<Version>)> {
    let mut keyed: Vec<_> = results
        .into_iter()
        .map(|r| {
            let v = Version::parse(&r.chart.version);
            (r, v)
        })
        .collect();
    keyed.sort_by(|(a, va), (b, vb)| {
        a.score
            .cmp(&b.score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| match (va, vb) {
                (Some(x), Some(y)) => y.cmp_precedence(x),
                (x, y) => y.is_some().cmp(&x.is_some()),
            })
    });
    keyed
}

fn apply_constraint<'a>(
    results: Vec<(SearchResult<'a>, Option<Version>)>,
    constraint: &str,
    versions: bool,
) -> Result<Vec<SearchResult<'a>>> {
    let Some(c) = Constraints::parse(constraint) else {
        return Err(Error::usage(format!(
            "an invalid version/constraint format: improper constraint: {constraint}"
        )));
    };
    let mut found = HashSet::new();
    let mut out = Vec::new();
    for (r, v) in results {
        if !versions && found.contains(&r.name) {
            continue;
        }
        let Some(v) = v else {
            continue;
        };
        if c.check(&v) {
            found.insert(r.name.clone());
            out.push(r);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> IndexFile {
        let text = "apiVersion: v1\nentries:\n  nginx:\n  - {name: nginx, version: 1.0.0, description: a web server, keywords: [http]}\n  - {name: nginx, version: 1.1.0, description: a web server, keywords: [http]}\n  - {name: nginx, version: 2.0.0-beta.1, description: a web server}\n  proxy:\n  - {name: proxy, version: 0.1.0, description: in front of nginx}\n";
        IndexFile::parse(text.as_bytes(), "t").unwrap()
    }

    fn names(r: &[SearchResult<'_>]) -> Vec<String> {
        r.iter()
            .map(|r| format!("{} {} {}", r.name, r.chart.version, r.score))
            .collect()
    }

    #[test]
    fn literal_scores_by_field() {
        let idx = vec![("st".to_owned(), index())];
        let opts = SearchOptions {
            keyword: Some("NGINX".into()),
            ..SearchOptions::default()
        };
        // The newest nginx is a pre-release, which the default `>0.0.0` skips.
        assert_eq!(
            names(&search(&idx, &opts).unwrap()),
            ["st/nginx 1.1.0 0", "st/proxy 0.1.0 2"]
        );
    }

    #[test]
    fn versions_and_constraints() {
        let idx = vec![("st".to_owned(), index())];
        let opts = SearchOptions {
            keyword: Some("nginx".into()),
            versions: true,
            devel: true,
            ..SearchOptions::default()
        };
        assert_eq!(
            names(&search(&idx, &opts).unwrap()),
            [
                "st/nginx 2.0.0-beta.1 0",
                "st/nginx 1.1.0 0",
                "st/nginx 1.0.0 0",
                "st/proxy 0.1.0 2"
            ]
        );
        let opts = SearchOptions {
            keyword: Some("nginx".into()),
            version: "<1.1".into(),
            ..SearchOptions::default()
        };
        assert_eq!(
            names(&search(&idx, &opts).unwrap()),
            ["st/nginx 1.0.0 0", "st/proxy 0.1.0 2"]
        );
    }

    #[test]
    fn regexp_matches_original_case() {
        let idx = vec![("st".to_owned(), index())];
        let opts = SearchOptions {
            keyword: Some("^prox".into()),
            regexp: true,
            ..SearchOptions::default()
        };
        assert_eq!(names(&search(&idx, &opts).unwrap()), ["st/proxy 0.1.0 0"]);
        let bad = SearchOptions {
            keyword: Some("(".into()),
            regexp: true,
            ..SearchOptions::default()
        };
        assert!(search(&idx, &bad).is_err());
    }
}
