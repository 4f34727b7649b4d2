//! Chart repositories and OCI registries, against real servers on loopback: an HTTP chart
//! repository (a small file server in this process), the CNCF distribution registry
//! (Debian's docker-registry, started per test) and the real helm v4.3.1, which must accept
//! what charthouse writes and the reverse.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::macros::{charthouse, oracle, run, sandbox_process};

/// helm with the same clean environment as `charthouse(home)`: both share helm's files.
fn helm(home: &Path) -> Command {
    let mut cmd = Command::new(oracle(false));
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("KUBECONFIG", home.join("no-kubeconfig"));
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let (out, stdout, stderr) = run(cmd);
    assert!(out.status.success(), "{cmd:?} failed:\n{stdout}\n{stderr}");
    stdout
}

fn fails(cmd: &mut Command) -> (Output, String) {
    let (out, _, stderr) = run(cmd);
    assert!(!out.status.success(), "{cmd:?} should have failed");
    (out, stderr)
}

/// Writes a chart directory `dir/name` at `version`.
fn make_chart(dir: &Path, name: &str, version: &str, description: &str) -> PathBuf {
    let c = dir.join(name);
    std::fs::create_dir_all(c.join("templates")).unwrap();
    std::fs::write(
        c.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"1.0\"\ndescription: {description}\nkeywords: [web, demo]\n"),
    )
    .unwrap();
    std::fs::write(c.join("values.yaml"), "port: 80\n").unwrap();
    std::fs::write(
        c.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  version: {{ .Chart.Version | quote }}\n  port: {{ .Values.port | quote }}\n",
    )
    .unwrap();
    c
}

/// Packages charts with helm into `out` (helm's archive layout, so digests are helm's).
fn helm_package(home: &Path, chart: &Path, out: &Path) -> PathBuf {
    let stdout = ok(helm(home).arg("package").arg(chart).arg("-d").arg(out));
    let path = stdout.trim().rsplit(": ").next().unwrap().to_owned();
    PathBuf::from(path)
}

/// A static file server for a chart repository, optionally behind basic auth (the expected
/// `Authorization` header value); `broken`
/// makes it answer 500 to everything (a repository going down).
struct FileServer {
    url: String,
    broken: Arc<AtomicBool>,
}

fn serve(root: PathBuf, basic_auth: Option<&str>) -> FileServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let broken = Arc::new(AtomicBool::new(false));
    let flag = broken.clone();
    let auth = basic_auth.map(str::to_owned);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &root, auth.as_deref(), flag.load(Ordering::SeqCst));
        }
    });
    FileServer { url, broken }
}

fn answer(
    mut stream: TcpStream,
    root: &Path,
    auth: Option<&str>,
    broken: bool,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorized = auth.is_none();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
            && Some(v.trim()) == auth
        {
            authorized = true;
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path
        .split('?')
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let (status, body) = if broken {
        ("500 Internal Server Error", b"down".to_vec())
    } else if !authorized {
        ("401 Unauthorized", b"unauthorized".to_vec())
    } else if path.contains("..") {
        ("404 Not Found", Vec::new())
    } else {
        match std::fs::read(root.join(path)) {
            Ok(b) => ("200 OK", b),
            Err(_) => ("404 Not Found", b"not found".to_vec()),
        }
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// A distribution registry on a free loopback port, stopped on drop.
struct Registry {
    host: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn registry(htpasswd: bool) -> Registry {
    registry_with(htpasswd, false)
}

/// The test data directory of this module.
fn data(name: &str) -> String {
    format!("{}/tests/data/repo/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn registry_with(htpasswd: bool, tls: bool) -> Registry {
    let bin = ["/usr/bin/docker-registry", "/usr/sbin/docker-registry"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or_else(|| {
            panic!("docker-registry is not installed: `apt-get install docker-registry` (.ci/run does this)")
        });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let auth = if htpasswd {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/repo/htpasswd");
        format!("auth:\n  htpasswd:\n    realm: charthouse\n    path: {file}\n")
    } else {
        String::new()
    };
    let tls = if tls {
        format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            data("tls.crt"),
            data("tls.key")
        )
    } else {
        String::new()
    };
    let config = dir.path().join("config.yml");
    std::fs::write(
        &config,
        format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n{tls}{auth}",
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let child = Command::new(bin)
        .arg("serve")
        .arg(&config)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let host = format!("127.0.0.1:{port}");
    let start = Instant::now();
    while TcpStream::connect(&host).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "registry did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Registry {
        host,
        child,
        _dir: dir,
    }
}

/// The entries of an index without the fields that record when it was made.
fn index_entries(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("created:") && !l.starts_with("generated:"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn repo_index_matches_helm() {
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    let ours = home.path().join("ours");
    let theirs = home.path().join("theirs");
    for d in [&ours, &theirs] {
        std::fs::create_dir_all(d.join("sub")).unwrap();
    }
    for (v, sub) in [("0.1.0", false), ("0.2.0", false), ("1.0.0-rc.1", true)] {
        let c = make_chart(&src, "web", v, "A web app");
        let out = if sub { "sub" } else { "" };
        let pkg = helm_package(home.path(), &c, &ours.join(out));
        std::fs::copy(&pkg, theirs.join(out).join(pkg.file_name().unwrap())).unwrap();
    }
    std::fs::write(ours.join("junk.tgz"), b"not a chart").unwrap();
    std::fs::write(theirs.join("junk.tgz"), b"not a chart").unwrap();
    ok(charthouse(home.path())
        .args(["repo", "index"])
        .arg(&ours)
        .args(["--url", "https://charts.example.com/x"]));
    ok(helm(home.path())
        .args(["repo", "index"])
        .arg(&theirs)
        .args(["--url", "https://charts.example.com/x"]));
    eqnice!(
        index_entries(&theirs.join("index.yaml")),
        index_entries(&ours.join("index.yaml"))
    );

    // --merge: entries of the other index that the directory lacks are added.
    let other = make_chart(&src, "db", "3.0.0", "A database");
    let extra = home.path().join("extra");
    helm_package(home.path(), &other, &extra);
    ok(helm(home.path()).args(["repo", "index"]).arg(&extra));
    for d in [&ours, &theirs] {
        let tool = if d == &ours {
            charthouse(home.path())
        } else {
            helm(home.path())
        };
        let mut tool = tool;
        ok(tool
            .args(["repo", "index"])
            .arg(d)
            .arg("--merge")
            .arg(extra.join("index.yaml")));
    }
    eqnice!(
        index_entries(&theirs.join("index.yaml")),
        index_entries(&ours.join("index.yaml"))
    );
}

#[test]
fn http_repository_add_search_pull_template() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let site = h.join("site");
    for (v, d) in [
        ("0.1.0", "First <web> app"),
        ("0.2.0", "A web app"),
        ("1.0.0-beta.1", "A web app"),
    ] {
        helm_package(h, &make_chart(&h.join("src"), "web", v, d), &site);
    }
    helm_package(
        h,
        &make_chart(&h.join("src2"), "proxy", "2.1.0", "Sits in front of web"),
        &site,
    );
    ok(helm(h).args(["repo", "index"]).arg(&site));
    let server = serve(site.clone(), None);

    eqnice!(
        "\"st\" has been added to your repositories\n",
        ok(charthouse(h).args(["repo", "add", "st", &server.url]))
    );
    eqnice!(
        "\"st\" already exists with the same configuration, skipping\n",
        ok(charthouse(h).args(["repo", "add", "st", &server.url]))
    );
    let (_, err) = fails(charthouse(h).args(["repo", "add", "st", "http://127.0.0.1:9/"]));
    eqnice!(
        "Error: repository name (st) already exists, please specify a different name\n",
        err
    );

    // helm reads the repositories file and cache charthouse wrote, and prints the same.
    for args in [
        vec!["repo", "list"],
        vec!["repo", "list", "-o", "json"],
        vec!["repo", "list", "-o", "yaml"],
        vec!["search", "repo", "web"],
        vec!["search", "repo", "web", "--versions"],
        vec!["search", "repo", "web", "--devel", "-o", "json"],
        vec!["search", "repo", "web", "--version", "^0.1", "-o", "yaml"],
        vec!["search", "repo", "-r", "^pro"],
        vec!["search", "repo", "nothing-matches"],
        vec!["search", "repo", "web", "--max-col-width", "8"],
        vec!["search", "repo"],
    ] {
        eqnice!(ok(helm(h).args(&args)), ok(charthouse(h).args(&args)));
    }

    // pull by REPO/CHART with a constraint, by --repo, by URL: the bytes helm serves.
    let dest = h.join("pulled");
    std::fs::create_dir_all(&dest).unwrap();
    ok(charthouse(h)
        .args(["pull", "st/web", "--version", "~0.1", "-d"])
        .arg(&dest));
    assert_eq!(
        std::fs::read(dest.join("web-0.1.0.tgz")).unwrap(),
        std::fs::read(site.join("web-0.1.0.tgz")).unwrap()
    );
    ok(charthouse(h)
        .args(["pull", "proxy", "--repo", &server.url, "--untar", "-d"])
        .arg(&dest));
    assert!(dest.join("proxy/Chart.yaml").is_file());
    // --prov fetches URL.prov beside the archive; when there is none, helm's warning.
    std::fs::write(site.join("web-0.1.0.tgz.prov"), "signed\n").unwrap();
    let provs = h.join("provs");
    let helm_provs = h.join("helm-provs");
    for d in [&provs, &helm_provs] {
        std::fs::create_dir_all(d).unwrap();
    }
    for args in [
        vec!["pull", "st/web", "--version", "0.1.0", "--prov", "-d"],
        vec!["pull", "st/web", "--version", "0.2.0", "--prov", "-d"],
    ] {
        eqnice!(
            ok(helm(h).args(&args).arg(&helm_provs)),
            ok(charthouse(h).args(&args).arg(&provs))
        );
    }
    assert_eq!(listing(&provs), listing(&helm_provs));
    eqnice!(
        "signed\n",
        std::fs::read_to_string(provs.join("web-0.1.0.tgz.prov")).unwrap()
    );
    let url = format!("{}/web-0.2.0.tgz", server.url);
    ok(charthouse(h).args(["pull", &url, "-d"]).arg(&dest));
    assert!(dest.join("web-0.2.0.tgz").is_file());

    // template of remote references renders what helm renders.
    for args in [
        vec!["template", "r", "st/web"],
        vec!["template", "r", "st/web", "--version", "0.1.0"],
        vec!["template", "r", "st/web", "--devel"],
        vec![
            "template",
            "r",
            "web",
            "--repo",
            server.url.as_str(),
            "--version",
            "<0.2",
        ],
    ] {
        eqnice!(ok(helm(h).args(&args)), ok(charthouse(h).args(&args)));
    }

    // Missing versions and charts: helm's message, plus the versions that exist.
    let (_, err) = fails(charthouse(h).args(["template", "r", "st/web", "--version", "^5"]));
    eqnice!(
        "Error: chart \"web\" matching ^5 not found in st index. (try 'helm repo update'): no chart version found for web-^5 (available versions: 1.0.0-beta.1, 0.2.0, 0.1.0)\n",
        err
    );
    let (_, err) = fails(charthouse(h).args(["pull", "nope/web"]));
    eqnice!("Error: repo nope not found\n", err);

    // remove drops the entry and its cache files.
    eqnice!(
        "\"st\" has been removed from your repositories\n",
        ok(charthouse(h).args(["repo", "remove", "st"]))
    );
    assert!(!h.join(".cache/helm/repository/st-index.yaml").exists());
    let (_, err) = fails(charthouse(h).args(["repo", "remove", "st"]));
    eqnice!("Error: no repositories configured\n", err);
}

#[test]
fn failed_update_keeps_other_repositories_and_old_cache() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let site = h.join("site");
    helm_package(
        h,
        &make_chart(&h.join("src"), "web", "0.1.0", "A web app"),
        &site,
    );
    ok(helm(h).args(["repo", "index"]).arg(&site));
    let good = serve(site.clone(), None);
    let flaky = serve(site.clone(), None);
    ok(charthouse(h).args(["repo", "add", "good", &good.url]));
    ok(charthouse(h).args(["repo", "add", "flaky", &flaky.url]));
    let cache = h.join(".cache/helm/repository");
    let before = std::fs::read(cache.join("flaky-index.yaml")).unwrap();

    // A new version appears; one repository goes down.
    helm_package(
        h,
        &make_chart(&h.join("src"), "web", "0.2.0", "A web app"),
        &site,
    );
    ok(helm(h).args(["repo", "index"]).arg(&site));
    flaky.broken.store(true, Ordering::SeqCst);
    let (out, stdout, stderr) = run(charthouse(h).args(["repo", "update"]));
    assert!(!out.status.success());
    assert!(
        stdout.contains("...Successfully got an update from the \"good\" chart repository\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "...Unable to get an update from the \"flaky\" chart repository ({}):\n\tfailed to fetch {}/index.yaml : 500 Internal Server Error\n",
            flaky.url, flaky.url
        )),
        "{stdout}"
    );
    eqnice!(
        format!(
            "Error: failed to update the following repositories: [{}]\n",
            flaky.url
        ),
        stderr
    );
    assert_eq!(
        std::fs::read(cache.join("flaky-index.yaml")).unwrap(),
        before
    );
    assert!(
        std::fs::read_to_string(cache.join("good-index.yaml"))
            .unwrap()
            .contains("0.2.0")
    );

    // Unknown names are refused before anything is fetched.
    let (_, err) = fails(charthouse(h).args(["repo", "update", "nope"]));
    eqnice!(
        "Error: no repositories found matching 'nope'.  Nothing will be updated\n",
        err
    );
}

#[test]
fn basic_auth_repository_and_clear_errors() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let site = h.join("site");
    helm_package(
        h,
        &make_chart(&h.join("src"), "web", "0.1.0", "A web app"),
        &site,
    );
    ok(helm(h).args(["repo", "index"]).arg(&site));
    let server = serve(site.clone(), Some("Basic Ym9iOnNlY3JldA==")); // bob:secret

    let (_, err) = fails(charthouse(h).args(["repo", "add", "priv", &server.url]));
    assert!(err.contains(&format!("looks like \"{}\" is not a valid chart repository or cannot be reached: failed to fetch {}/index.yaml : 401 Unauthorized", server.url, server.url)), "{err}");
    ok(charthouse(h).args([
        "repo",
        "add",
        "priv",
        &server.url,
        "--username",
        "bob",
        "--password",
        "secret",
    ]));
    // helm uses the credentials charthouse stored.
    ok(helm(h).args(["pull", "priv/web", "-d"]).arg(h));
    ok(charthouse(h).args(["template", "r", "priv/web"]));

    // Unreachable: the URL and the cause.
    let (_, err) = fails(charthouse(h).args(["repo", "add", "down", "http://127.0.0.1:9/"]));
    eqnice!(
        "Error: looks like \"http://127.0.0.1:9/\" is not a valid chart repository or cannot be reached: Get \"http://127.0.0.1:9/index.yaml\": connect: connection refused\n",
        err
    );

    // An index whose digest does not match the archive, and an archive that is not one.
    let bad = h.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::copy(site.join("web-0.1.0.tgz"), bad.join("web-0.1.0.tgz")).unwrap();
    std::fs::write(bad.join("broken-1.0.0.tgz"), b"this is not gzip").unwrap();
    let broken_digest = {
        use sha2_digest::hex_sha256;
        hex_sha256(b"this is not gzip")
    };
    std::fs::write(
        bad.join("index.yaml"),
        format!("apiVersion: v1\nentries:\n  web:\n  - name: web\n    version: 0.1.0\n    digest: {}\n    urls: [web-0.1.0.tgz]\n  broken:\n  - name: broken\n    version: 1.0.0\n    digest: {broken_digest}\n    urls: [broken-1.0.0.tgz]\n", "ab".repeat(32)),
    )
    .unwrap();
    let bad_server = serve(bad, None);
    ok(charthouse(h).args(["repo", "add", "bad", &bad_server.url]));
    let (_, err) = fails(charthouse(h).args(["pull", "bad/web", "-d"]).arg(h));
    assert!(
        err.starts_with(&format!(
            "Error: digest mismatch for {}/web-0.1.0.tgz: expected {}",
            bad_server.url,
            "ab".repeat(32)
        )),
        "{err}"
    );
    let (_, err) = fails(charthouse(h).args(["pull", "bad/broken", "-d"]).arg(h));
    assert!(
        err.starts_with(&format!(
            "Error: corrupt chart archive {}/broken-1.0.0.tgz: ",
            bad_server.url
        )),
        "{err}"
    );
}

/// sha256 without another dependency: `sha256sum`, which coreutils has everywhere.
mod sha2_digest {
    pub fn hex_sha256(data: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, data).unwrap();
        let out = std::process::Command::new("sha256sum")
            .arg(&p)
            .output()
            .unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }
}

#[test]
fn oci_push_pull_interop_with_helm() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let reg = registry(false);
    let pkgs = h.join("pkgs");
    let ours = helm_package(
        h,
        &make_chart(&h.join("a"), "web", "0.1.0", "A web app"),
        &pkgs,
    );
    let theirs = helm_package(
        h,
        &make_chart(&h.join("b"), "web", "0.2.0+build.7", "A web app"),
        &pkgs,
    );
    let remote = format!("oci://{}/charts", reg.host);

    // charthouse pushes, helm pulls the same bytes, with the provenance file beside the
    // archive as its provenance layer (`--prov` fetches it without verifying).
    let prov = "-----BEGIN PGP SIGNED MESSAGE-----\nnot checked by --prov\n";
    std::fs::write(format!("{}.prov", ours.display()), prov).unwrap();
    let out = ok(charthouse(h)
        .arg("push")
        .arg(&ours)
        .args([&remote, "--plain-http"]));
    assert!(
        out.starts_with(&format!(
            "Pushed: {}/charts/web:0.1.0\nDigest: sha256:",
            reg.host
        )),
        "{out}"
    );
    let hdest = h.join("helm-pulled");
    std::fs::create_dir_all(&hdest).unwrap();
    ok(helm(h)
        .args([
            "pull",
            &format!("{remote}/web"),
            "--version",
            "0.1.0",
            "--plain-http",
            "--prov",
            "-d",
        ])
        .arg(&hdest));
    assert_eq!(
        std::fs::read(hdest.join("web-0.1.0.tgz")).unwrap(),
        std::fs::read(&ours).unwrap()
    );
    eqnice!(
        prov,
        std::fs::read_to_string(hdest.join("web-0.1.0.tgz.prov")).unwrap()
    );

    let cprov = h.join("ch-prov");
    ok(charthouse(h)
        .args([
            "pull",
            &format!("{remote}/web:0.1.0"),
            "--plain-http",
            "--prov",
            "-d",
        ])
        .arg(&cprov));
    eqnice!(
        prov,
        std::fs::read_to_string(cprov.join("web-0.1.0.tgz.prov")).unwrap()
    );

    // helm pushes (a version with build metadata: tag 0.2.0_build.7), charthouse pulls.
    ok(helm(h)
        .arg("push")
        .arg(&theirs)
        .args([&remote, "--plain-http"]));
    let cdest = h.join("ch-pulled");
    let out = ok(charthouse(h)
        .args(["pull", &format!("{remote}/web"), "--plain-http", "-d"])
        .arg(&cdest));
    assert!(
        out.starts_with(&format!(
            "Pulled: {}/charts/web:0.2.0_build.7\nDigest: sha256:",
            reg.host
        )),
        "{out}"
    );
    assert_eq!(
        std::fs::read(cdest.join("web-0.2.0+build.7.tgz")).unwrap(),
        std::fs::read(&theirs).unwrap()
    );

    // Constraints, tags and digests in references; template renders what helm renders.
    let digest = out
        .lines()
        .nth(1)
        .unwrap()
        .trim_start_matches("Digest: ")
        .to_owned();
    for args in [
        vec![
            "template".to_owned(),
            "r".into(),
            format!("{remote}/web"),
            "--version".into(),
            "~0.1".into(),
            "--plain-http".into(),
        ],
        vec![
            "template".to_owned(),
            "r".into(),
            format!("{remote}/web:0.1.0"),
            "--plain-http".into(),
        ],
        vec![
            "template".to_owned(),
            "r".into(),
            format!("{remote}/web@{digest}"),
            "--plain-http".into(),
        ],
    ] {
        // Also stderr: helm reports each registry pull there (`Pulled:`, `Digest:`).
        let (hout, hstdout, hstderr) = run(helm(h).args(&args));
        let (cout, cstdout, cstderr) = run(charthouse(h).args(&args));
        assert!(
            hout.status.success() && cout.status.success(),
            "{hstderr}\n{cstderr}"
        );
        eqnice!(hstdout, cstdout);
        eqnice!(hstderr, cstderr);
    }
    let (_, err) = fails(charthouse(h).args([
        "pull",
        &format!("{remote}/web"),
        "--version",
        "^3",
        "--plain-http",
    ]));
    assert!(
        err.contains("could not locate a version matching provided version string ^3")
            && err.contains("0.2.0+build.7, 0.1.0"),
        "{err}"
    );
}

#[test]
fn oci_registry_with_basic_auth_and_login() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let reg = registry(true);
    let pkg = helm_package(
        h,
        &make_chart(&h.join("a"), "web", "0.3.0", "A web app"),
        &h.join("pkgs"),
    );
    let remote = format!("oci://{}/team", reg.host);

    let (_, err) = fails(
        charthouse(h)
            .arg("push")
            .arg(&pkg)
            .args([&remote, "--plain-http"]),
    );
    assert!(err.contains("401 Unauthorized"), "{err}");
    let (_, err) = fails(charthouse(h).args([
        "registry",
        "login",
        &reg.host,
        "-u",
        "alice",
        "-p",
        "wrong",
        "--plain-http",
    ]));
    assert!(err.contains("401 Unauthorized"), "{err}");
    eqnice!(
        "Login Succeeded\n",
        ok(charthouse(h).args([
            "registry",
            "login",
            &reg.host,
            "-u",
            "alice",
            "-p",
            "wonderland",
            "--plain-http",
        ]))
    );
    ok(charthouse(h)
        .arg("push")
        .arg(&pkg)
        .args([&remote, "--plain-http"]));
    // helm uses the login charthouse stored in helm's credentials file.
    ok(helm(h)
        .args([
            "pull",
            &format!("{remote}/web"),
            "--version",
            "0.3.0",
            "--plain-http",
            "-d",
        ])
        .arg(h));
    ok(charthouse(h).args(["template", "r", &format!("{remote}/web"), "--plain-http"]));
    eqnice!(
        format!("Removing login credentials for {}\n", reg.host),
        ok(charthouse(h).args(["registry", "logout", &reg.host]))
    );
    let (_, err) = fails(
        charthouse(h)
            .args([
                "pull",
                &format!("{remote}/web"),
                "--plain-http",
                "--version",
                "0.3.0",
                "-d",
            ])
            .arg(h.join("x")),
    );
    assert!(err.contains("401 Unauthorized"), "{err}");
    // And the reverse: helm logs in, charthouse pulls with helm's stored credentials.
    ok(helm(h).args([
        "registry",
        "login",
        &reg.host,
        "-u",
        "alice",
        "-p",
        "wonderland",
        "--plain-http",
    ]));
    ok(charthouse(h)
        .args(["pull", &format!("{remote}/web"), "--plain-http", "-d"])
        .arg(h.join("y")));
    assert!(h.join("y/web-0.3.0.tgz").is_file());
}

#[test]
fn repo_file_written_by_helm_is_used() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let site = h.join("site");
    helm_package(
        h,
        &make_chart(&h.join("src"), "web", "0.1.0", "A web app"),
        &site,
    );
    ok(helm(h).args(["repo", "index"]).arg(&site));
    let server = serve(site, None);
    ok(helm(h).args(["repo", "add", "hst", &server.url]));
    eqnice!(
        ok(helm(h).args(["search", "repo", "hst/"])),
        ok(charthouse(h).args(["search", "repo", "hst/"]))
    );
    ok(charthouse(h).args(["repo", "update", "hst"]));
    ok(charthouse(h).args(["repo", "add", "second", &server.url]));
    eqnice!(
        ok(helm(h).args(["repo", "list"])),
        ok(charthouse(h).args(["repo", "list"]))
    );
    // Settings through helm's environment variables are honoured.
    let alt = h.join("alt");
    let mut cmd = charthouse(h);
    cmd.env("HELM_REPOSITORY_CONFIG", alt.join("repos.yaml"))
        .env("HELM_REPOSITORY_CACHE", alt.join("cache"))
        .args(["repo", "add", "x", &server.url]);
    ok(&mut cmd);
    assert!(alt.join("repos.yaml").is_file() && alt.join("cache/x-index.yaml").is_file());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn without_generated(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("generated:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn dependency_update_build_list_and_lock_interop() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let site = h.join("site");
    for v in ["0.1.0", "0.2.0"] {
        helm_package(h, &make_chart(&h.join("src"), "web", v, "A web app"), &site);
    }
    ok(helm(h).args(["repo", "index"]).arg(&site));
    let server = serve(site, None);
    ok(charthouse(h).args(["repo", "add", "st", &server.url]));
    let reg = registry(false);
    let db = helm_package(
        h,
        &make_chart(&h.join("src"), "db", "0.3.0", "A database"),
        &h.join("pkgs"),
    );
    ok(charthouse(h)
        .arg("push")
        .arg(&db)
        .args([&format!("oci://{}/charts", reg.host), "--plain-http"]));
    make_chart(&h.join("libs"), "sub", "0.3.0", "A local subchart");

    let apps = h.join("apps");
    let app = make_chart(&apps, "app", "1.0.0", "An app");
    std::fs::write(
        app.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n\
             - name: web\n  version: \">=0.1.0 <0.2.0\"\n  repository: {url}\n  condition: web.enabled\n\
             - name: sub\n  version: ~0.3\n  repository: file://../../libs/sub\n\
             - name: db\n  alias: store\n  version: ^0.3\n  repository: oci://{reg}/charts\n",
            url = server.url,
            reg = reg.host
        ),
    )
    .unwrap();
    let aliased = make_chart(&apps, "aliased", "1.0.0", "Uses @st");
    std::fs::write(
        aliased.join("Chart.yaml"),
        "apiVersion: v2\nname: aliased\nversion: 1.0.0\ndependencies:\n- name: web\n  version: ~0.2\n  repository: \"@st\"\n",
    )
    .unwrap();

    for chart in [&app, &aliased] {
        let theirs = chart.with_file_name(format!(
            "{}-helm",
            chart.file_name().unwrap().to_string_lossy()
        ));
        copy_dir(chart, &theirs);
        // The same progress lines, the same lock (digest included), the same archives.
        let ours = ok(charthouse(h)
            .args(["dependency", "update", "--plain-http"])
            .arg(chart));
        let helms = ok(helm(h)
            .args(["dependency", "update", "--plain-http"])
            .arg(&theirs));
        eqnice!(helms, ours);
        eqnice!(
            without_generated(&theirs.join("Chart.lock")),
            without_generated(&chart.join("Chart.lock"))
        );
        assert_eq!(
            listing(&theirs.join("charts")),
            listing(&chart.join("charts"))
        );
        // Each tool accepts the other's lock.
        ok(helm(h)
            .args(["dependency", "build", "--plain-http"])
            .arg(chart));
        ok(charthouse(h)
            .args(["dependency", "build", "--plain-http"])
            .arg(&theirs));
        eqnice!(
            ok(helm(h).args(["dependency", "list"]).arg(&theirs)),
            ok(charthouse(h).args(["dependency", "list"]).arg(&theirs))
        );
    }

    // A lock that no longer matches Chart.yaml is refused, as helm refuses it.
    let yaml = std::fs::read_to_string(aliased.join("Chart.yaml")).unwrap();
    std::fs::write(aliased.join("Chart.yaml"), yaml.replace("~0.2", "~0.1")).unwrap();
    let (_, err) = fails(charthouse(h).args(["dependency", "build"]).arg(&aliased));
    eqnice!(
        "Error: the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies with 'helm dependency update'\n",
        err
    );
    assert!(
        !run(helm(h).args(["dependency", "build"]).arg(&aliased))
            .0
            .status
            .success()
    );

    // template --dependency-update fetches what is missing, printing what helm prints.
    let fresh = apps.join("fresh");
    let fresh_helm = apps.join("fresh-helm");
    std::fs::create_dir_all(&fresh).unwrap();
    for d in [&fresh, &fresh_helm] {
        copy_dir(&app, d);
        let _ = std::fs::remove_dir_all(d.join("charts"));
        let _ = std::fs::remove_file(d.join("Chart.lock"));
    }
    eqnice!(
        ok(helm(h)
            .args(["template", "r", "--dependency-update", "--plain-http"])
            .arg(&fresh_helm)),
        ok(charthouse(h)
            .args(["template", "r", "--dependency-update", "--plain-http"])
            .arg(&fresh))
    );
}

/// `tar tvzf` of an archive, reduced to mode, owner and name, plus the unpacked tree.
fn archive_view(archive: &Path, into: &Path) -> String {
    std::fs::create_dir_all(into).unwrap();
    let out = Command::new("tar")
        .arg("tvzf")
        .arg(archive)
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            format!("{} {} {}", f[0], f[1], f[5])
        })
        .collect();
    assert!(
        Command::new("tar")
            .arg("xzf")
            .arg(archive)
            .arg("-C")
            .arg(into)
            .status()
            .unwrap()
            .success()
    );
    list.join("\n")
}

#[test]
fn package_matches_helm_archive_layout() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let chart = make_chart(h, "web", "0.1.0", "A web app");
    std::fs::write(chart.join("README.md"), "# web\n").unwrap();
    std::fs::write(chart.join(".helmignore"), "*.bak\n").unwrap();
    std::fs::write(chart.join("notes.bak"), "ignored\n").unwrap();
    std::fs::write(chart.join("values.schema.json"), "{\"type\":\"object\"}\n").unwrap();
    make_chart(&chart.join("charts"), "inner", "0.0.1", "Nested");
    let ours = h.join("ours");
    let theirs = h.join("theirs");
    let out = ok(charthouse(h)
        .args(["package", "--version", "2.0.0", "--app-version", "v9", "-d"])
        .arg(&ours)
        .arg(&chart));
    eqnice!(
        format!(
            "Successfully packaged chart and saved it to: {}/web-2.0.0.tgz\n",
            ours.display()
        ),
        out
    );
    ok(helm(h)
        .args(["package", "--version", "2.0.0", "--app-version", "v9", "-d"])
        .arg(&theirs)
        .arg(&chart));
    let a = archive_view(&ours.join("web-2.0.0.tgz"), &h.join("x"));
    let b = archive_view(&theirs.join("web-2.0.0.tgz"), &h.join("y"));
    eqnice!(b, a);
    let diff = Command::new("diff")
        .arg("-r")
        .arg(h.join("x"))
        .arg(h.join("y"))
        .output()
        .unwrap();
    assert!(
        diff.status.success(),
        "{}",
        String::from_utf8_lossy(&diff.stdout)
    );
    // A missing dependency is refused before anything is written.
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n- name: gone\n  version: 1.0.0\n  repository: https://charts.invalid\n",
    )
    .unwrap();
    let (_, err) = fails(
        charthouse(h)
            .arg("package")
            .arg("-d")
            .arg(&ours)
            .arg(&chart),
    );
    let (_, herr) = fails(helm(h).arg("package").arg("-d").arg(&theirs).arg(&chart));
    eqnice!(herr, err);
}

#[test]
fn oci_registry_over_tls() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let reg = registry_with(false, true);
    let pkg = helm_package(
        h,
        &make_chart(&h.join("a"), "web", "1.0.0", "A web app"),
        &h.join("pkgs"),
    );
    let remote = format!("oci://{}/secure", reg.host);

    // An unknown CA is refused, with the URL and the TLS cause.
    let (_, err) = fails(charthouse(h).arg("push").arg(&pkg).arg(&remote));
    assert!(
        err.contains(&format!("https://{}/v2/secure/web/blobs/", reg.host))
            && err.contains("UnknownIssuer"),
        "{err}"
    );
    // --ca-file trusts the test CA; --insecure-skip-tls-verify skips the check.
    ok(charthouse(h)
        .arg("push")
        .arg(&pkg)
        .arg(&remote)
        .arg("--ca-file")
        .arg(data("ca.crt")));
    let dest = h.join("pulled");
    ok(charthouse(h)
        .args([
            "pull",
            &format!("{remote}/web"),
            "--insecure-skip-tls-verify",
            "-d",
        ])
        .arg(&dest));
    assert_eq!(
        std::fs::read(dest.join("web-1.0.0.tgz")).unwrap(),
        std::fs::read(&pkg).unwrap()
    );
    // helm trusts the same CA file and gets the same bytes.
    let hdest = h.join("helm-pulled");
    std::fs::create_dir_all(&hdest).unwrap();
    ok(helm(h)
        .args([
            "pull",
            &format!("{remote}/web"),
            "--version",
            "1.0.0",
            "--ca-file",
            &data("ca.crt"),
            "-d",
        ])
        .arg(&hdest));
    assert_eq!(
        std::fs::read(hdest.join("web-1.0.0.tgz")).unwrap(),
        std::fs::read(&pkg).unwrap()
    );
}

#[test]
fn install_and_upgrade_from_oci_and_repository_references() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let reg = registry(false);
    let pkgs = h.join("pkgs");
    let v1 = helm_package(
        h,
        &make_chart(&h.join("a"), "web", "0.1.0", "A web app"),
        &pkgs,
    );
    let remote = format!("oci://{}/charts", reg.host);
    ok(charthouse(h)
        .arg("push")
        .arg(&v1)
        .args([&remote, "--plain-http"]));
    let cluster = sandbox_process(h, false);
    let kubeconfig = &cluster.kubeconfig;

    // install from the registry.
    let out = ok(charthouse(h).env("KUBECONFIG", kubeconfig).args([
        "install",
        "web",
        &format!("{remote}/web"),
        "--version",
        "0.1.0",
        "--plain-http",
    ]));
    assert!(out.contains("STATUS: deployed"), "{out}");

    // upgrade from an HTTP repository added with repo add (REPO/CHART).
    let served = h.join("served");
    std::fs::create_dir_all(&served).unwrap();
    helm_package(
        h,
        &make_chart(&h.join("b"), "web", "0.2.0", "A web app"),
        &served,
    );
    let server = serve(served.clone(), None);
    ok(charthouse(h)
        .args(["repo", "index"])
        .arg(&served)
        .args(["--url", &server.url]));
    ok(charthouse(h).args(["repo", "add", "local", &server.url]));
    let out = ok(charthouse(h).env("KUBECONFIG", kubeconfig).args([
        "upgrade",
        "web",
        "local/web",
        "--version",
        "^0.2",
    ]));
    assert!(
        out.starts_with("Release \"web\" has been upgraded. Happy Helming!\n"),
        "{out}"
    );
    let history = ok(charthouse(h)
        .env("KUBECONFIG", kubeconfig)
        .args(["history", "web", "-o", "json"]));
    let history: Vec<serde_json::Value> = serde_json::from_str(&history).unwrap();
    let charts: Vec<&str> = history
        .iter()
        .map(|r| r["chart"].as_str().unwrap())
        .collect();
    assert_eq!(charts, ["web-0.1.0", "web-0.2.0"]);
}
