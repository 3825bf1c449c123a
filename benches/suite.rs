//! `cargo bench --bench suite`: how close a run gets to the request floor.
//!
//! Prints, in one run (see docs/performance.md):
//! 1. the full suite against the in-process reference vs the sum of its bare
//!    request times (a plain keep-alive reqwest client replaying the same
//!    requests one by one): the harness's overhead ratio;
//! 2. the suite against the reference with 50 ms latency: wall time vs the
//!    longest chain of requests in any one scenario, and vs `--concurrency 1`;
//! 3. a synthetic pack ten times larger: wall time growth;
//! 4. peak memory (RSS) of this process.
//!
//! A benchmark binary rather than a timed test: nothing here asserts, it
//! measures and reports.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rfa_harness::catalogue::{Catalogue, PackFiles, ScenarioKey};
use rfa_harness::evidence::Exchange;
use rfa_harness::fixtures::FixturePack;
use rfa_harness::reference::{self, DefectSet, Latency};
use rfa_harness::runner::{self, RunPlan};
use rfa_harness::steps::StepTable;

const REPEATS: usize = 7;

struct Run {
    wall: Duration,
    evidence: HashMap<ScenarioKey, Vec<Exchange>>,
    scenarios: usize,
}

async fn run(cat: &Catalogue, latency: Duration, concurrency: usize, in_flight: usize) -> Run {
    let fixtures = FixturePack::embedded().expect("fixtures");
    let r = reference::start_with(
        ([127, 0, 0, 1], 0).into(),
        DefectSet::none(),
        &fixtures,
        Latency { base: latency, jitter: Duration::ZERO },
    )
    .await
    .expect("reference");
    let mut cfg = r.candidate_config(&fixtures);
    cfg.max_in_flight = in_flight;
    let mut plan = RunPlan::live(cat, Arc::new(cfg)).expect("plan");
    plan.concurrency = concurrency;
    let t = Instant::now();
    let out = runner::execute(plan, None).await.expect("run");
    let wall = t.elapsed();
    r.stop().await;
    Run { wall, scenarios: out.records.len(), evidence: out.evidence }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Replays every recorded request, one at a time, on one keep-alive client.
async fn bare(evidence: &HashMap<ScenarioKey, Vec<Exchange>>, base_from: &str, base_to: &str) -> (Duration, usize) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let mut total = Duration::ZERO;
    let mut n = 0;
    // The harness's own HTTP requests only: not the candidate's calls to the
    // national services (`inbound`), nor TLS handshake probes.
    for x in evidence.values().flatten().filter(|x| !x.inbound && x.request.url.starts_with("http")) {
        let url = x.request.url.replace(base_from, base_to);
        let mut req = client.request(x.request.method.parse().expect("method"), url);
        for (k, v) in &x.request.headers {
            req = req.header(k, v);
        }
        let t = Instant::now();
        if let Ok(resp) = req.send().await {
            let _ = resp.bytes().await;
        }
        total += t.elapsed();
        n += 1;
    }
    (total, n)
}

fn ten_times_pack() -> (tempfile::TempDir, Catalogue) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, bytes) in rfa_harness::support::embedded::FEATURES {
        let text = std::str::from_utf8(bytes).expect("utf8");
        if *path == "pack.toml" {
            std::fs::write(dir.path().join(path), text.replace("rfa-gpsoc", "rfa-gpsoc-x10")).expect("write");
            continue;
        }
        let Some((area, file)) = path.split_once('/') else { continue };
        for i in 0..10u8 {
            let copy = format!("{}{}", &area[..2], (b'A' + i) as char);
            let out = dir.path().join(&copy);
            std::fs::create_dir_all(&out).expect("mkdir");
            std::fs::write(out.join(file), text.replace(&format!("@RFA-{area}-"), &format!("@RFA-{copy}-")))
                .expect("write");
        }
    }
    let files = PackFiles::from_dir(dir.path()).expect("read pack");
    let cat = Catalogue::load(&files, &StepTable::new()).expect("synthetic pack loads");
    (dir, cat)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|k| k.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; a filter argument selects nothing here.
    let cat = rfa_harness::runner::load_catalogue(None).expect("pack");
    let fixtures = FixturePack::embedded().expect("fixtures");
    println!(
        "rfa {} · {} scenarios · {} cores",
        env!("CARGO_PKG_VERSION"),
        cat.scenario_count(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    // 1. Overhead vs bare requests (no latency).
    let _ = run(&cat, Duration::ZERO, 256, 256).await; // warm-up
    let mut walls = Vec::new();
    let mut last = None;
    for _ in 0..REPEATS {
        let r = run(&cat, Duration::ZERO, 256, 256).await;
        walls.push(r.wall);
        last = Some(r);
    }
    let full = median(walls);
    let last = last.expect("runs");
    let r = reference::start(([127, 0, 0, 1], 0).into(), DefectSet::none(), &fixtures).await.expect("reference");
    let sample_url = last.evidence.values().flatten().next().map(|x| x.request.url.clone()).unwrap_or_default();
    let from = sample_url.split("/GPC001").next().unwrap_or_default().to_string();
    let to = format!("http://{}", r.addr);
    let mut bares = Vec::new();
    let mut requests = 0;
    for _ in 0..REPEATS {
        let (t, n) = bare(&last.evidence, &from, &to).await;
        bares.push(t);
        requests = n;
    }
    r.stop().await;
    let bare_sum = median(bares);
    println!(
        "\n1. in-process reference, no latency ({} scenarios, {requests} requests, median of {REPEATS})",
        last.scenarios
    );
    println!("   suite wall                 {:>9.1} ms", ms(full));
    println!(
        "   bare requests, summed      {:>9.1} ms  ({:.3} ms each)",
        ms(bare_sum),
        ms(bare_sum) / requests.max(1) as f64
    );
    println!(
        "   overhead ratio             {:>9.2}×  (suite wall / summed bare requests; target ≤ 2)",
        full.as_secs_f64() / bare_sum.as_secs_f64()
    );

    // 2. 50 ms latency.
    let latency = Duration::from_millis(50);
    let fast = run(&cat, latency, 256, 256).await;
    let default_limit = run(&cat, latency, 256, rfa_harness::config::DEFAULT_MAX_IN_FLIGHT).await;
    let serial = run(&cat, latency, 1, 256).await;
    let longest = fast.evidence.values().map(|xs| xs.iter().filter(|x| !x.inbound).count()).max().unwrap_or(1);
    let chain = latency * longest as u32;
    println!("\n2. reference with 50 ms latency");
    println!("   longest chain              {:>9.1} ms  ({longest} sequential requests in one scenario)", ms(chain));
    println!(
        "   suite wall, unthrottled    {:>9.1} ms  = {:.2}× the longest chain (target ≤ 1.5)",
        ms(fast.wall),
        fast.wall.as_secs_f64() / chain.as_secs_f64()
    );
    println!(
        "   suite wall, default limit  {:>9.1} ms  = {:.2}× the longest chain (max_in_flight {})",
        ms(default_limit.wall),
        default_limit.wall.as_secs_f64() / chain.as_secs_f64(),
        rfa_harness::config::DEFAULT_MAX_IN_FLIGHT
    );
    println!(
        "   --concurrency 1            {:>9.1} ms  = {:.1}× slower than unthrottled (target ≥ 10)",
        ms(serial.wall),
        serial.wall.as_secs_f64() / fast.wall.as_secs_f64()
    );

    // 3. Ten times the pack.
    let (_dir, big) = ten_times_pack();
    let _ = run(&big, Duration::ZERO, 256, 256).await;
    let mut bigs = Vec::new();
    for _ in 0..REPEATS {
        bigs.push(run(&big, Duration::ZERO, 256, 256).await.wall);
    }
    let big_wall = median(bigs);
    println!("\n3. synthetic pack ×10 ({} scenarios)", big.scenario_count());
    println!(
        "   suite wall                 {:>9.1} ms  = {:.2}× the original for 10× the work (linear = 10)",
        ms(big_wall),
        big_wall.as_secs_f64() / full.as_secs_f64()
    );

    println!("\n4. peak RSS of this process   {:>9.1} MiB", peak_rss_mib());
}
