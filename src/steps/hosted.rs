//! The candidate as a client (profile §37): how a scenario makes it act —
//! its test-control trigger, or a tester at its user interface — and how
//! what it then sent to the hosted national services reaches the scenario.
//!
//! Each consumer scenario has a session on the hosted services
//! ([`Consumer::turn`]) and what arrives for it is its own. A candidate that
//! takes the national services' address from each trigger gets one per
//! scenario (`isolation = "addresses"`), and scenarios run side by side;
//! otherwise they share one address and take turns. cucumber's `@serial`
//! cannot give that guarantee (0.23 starts a serial scenario while
//! concurrent ones still run), so the turn is a lock.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};

use crate::config::{ConsumerSettings, TriggerMode};
use crate::national::{Services, Sid};

/// What every consumer scenario of a run shares.
#[derive(Debug, Default)]
pub struct Consumer {
    pub settings: Option<ConsumerSettings>,
    /// The hosted services; None when re-judging (nothing is served then).
    pub services: Option<Arc<Services>>,
    /// `--non-interactive`: interactive actions are skipped, never waited for.
    pub non_interactive: bool,
    turn: Arc<tokio::sync::Mutex<()>>,
    /// The trace-pool patients this run's scenarios picked to register
    /// (keys), so a patient found held is known to be an earlier run's.
    pub picked: Mutex<std::collections::BTreeSet<String>>,
}

/// A scenario's session on the hosted services (and, on the shared
/// address, its turn); dropping it closes the session.
#[derive(Debug)]
pub struct Turn {
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    services: Option<Arc<Services>>,
    pub sid: Sid,
}

impl Turn {
    /// The hosted services and this scenario's session on them (None when
    /// re-judging).
    pub fn services(&self) -> Option<(&Services, &Sid)> {
        self.services.as_deref().map(|s| (s, &self.sid))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(s) = &self.services {
            s.close(&self.sid);
        }
    }
}

impl Consumer {
    pub fn new(settings: Option<ConsumerSettings>, services: Option<Arc<Services>>, non_interactive: bool) -> Self {
        Self { settings, services, non_interactive, turn: Arc::default(), picked: Mutex::default() }
    }

    /// Opens the scenario's session: on an address of its own when the
    /// candidate takes the address from each trigger (scenarios then run
    /// side by side), else on the shared address once it is the scenario's
    /// turn.
    pub async fn turn(&self, key: &crate::catalogue::ScenarioKey) -> Turn {
        let own = !self.interactive()
            && self.settings.as_ref().is_some_and(|s| s.isolation == crate::config::Isolation::Addresses);
        let guard = if own { None } else { Some(self.turn.clone().lock_owned().await) };
        let sid = self.services.as_ref().map(|s| s.open(key, own)).unwrap_or_default();
        Turn { _guard: guard, services: self.services.clone(), sid }
    }

    /// Whether actions go to a tester rather than the trigger endpoint.
    pub fn interactive(&self) -> bool {
        self.settings.as_ref().is_some_and(|s| s.trigger == TriggerMode::Interactive)
    }
}

/// The actions a scenario can ask of the candidate, with what a tester is
/// told to do for each.
pub const ACTIONS: &[(&str, &str)] = &[
    ("register-patient", "Register a new patient at the practice, tracing them on PDS first, with these details"),
    (
        "issue-prescription",
        "Issue an electronic prescription (EPS) for this patient and medicine, signed by this prescriber",
    ),
    ("cancel-prescription", "Cancel this prescription"),
    ("send-held-prescriptions", "Send the prescriptions the practice is holding because EPS was unavailable"),
    (
        "retrieve-record",
        "Retrieve this patient's record from the other practice over GP Connect (look its endpoint up in SDS) and file it",
    ),
    ("send-mesh-message", "Send this MESH message from the practice's mailbox"),
    ("receive-mesh-messages", "Collect the practice's MESH messages"),
    (
        "accept-update-record",
        "As this user (recorder), open the task for the consultation summary with this title that GP Connect Update Record brought for this patient, review it and accept it into the record",
    ),
    (
        "mark-arrived",
        "At reception, mark this patient arrived for this appointment (identify them by NHS number, as a check-in screen does)",
    ),
    (
        "record-entry",
        "As this user (recorder), record this entry in the patient's record as the clinician named made it: a problem, observation, allergy or consultation with this code, time and status",
    ),
    (
        "amend-entry",
        "As this user (recorder), find this patient's entry of this kind at this time and amend it as given (or mark it entered in error)",
    ),
    ("mark-did-not-attend", "Mark this appointment did-not-attend: the patient never came"),
];

pub fn describe(action: &str) -> Option<&'static str> {
    ACTIONS.iter().find(|(a, _)| *a == action).map(|(_, d)| *d)
}

/// The trigger's body: a Parameters with the action and its parameters,
/// and where the national services are.
pub fn trigger_body(action: &str, params: &[(String, String)], services: Option<&str>) -> Value {
    let mut list = vec![json!({ "name": "action", "valueCode": action })];
    for (k, v) in params {
        list.push(json!({ "name": k, "valueString": v }));
    }
    if let Some(url) = services {
        list.push(json!({ "name": "nationalServices", "valueUri": url }));
    }
    json!({ "resourceType": "Parameters", "parameter": list })
}

/// What the tester must do, as printed.
pub fn prompt(number: usize, scenario: &str, action: &str, params: &[(String, String)], services: &str) -> String {
    let mut s = format!("\n── tester action {number}: {scenario} ──\n");
    s.push_str(&format!("In the candidate: {} (action `{action}`).\n", describe(action).unwrap_or(action)));
    for (k, v) in params {
        s.push_str(&format!("    {k}: {v}\n"));
    }
    if !services.is_empty() {
        s.push_str(&format!("(The candidate reaches the national services at {services}.)\n"));
    }
    s.push_str("Press Enter when it is done; type `refused` and Enter if the candidate would not do it (it said why), or `skip` and Enter to skip this scenario.\n");
    s
}

/// What the tester answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Done,
    /// The candidate would not do it: judged like a trigger's refusal.
    Refused,
    Skip(String),
}

type Lines = tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<String>>;

/// Standard input as lines, read by one thread for the whole process:
/// standard input can only be read once, and a blocking read cannot be
/// abandoned, so the thread outlives any wait that gives up on it.
fn lines() -> &'static Lines {
    static LINES: OnceLock<Lines> = OnceLock::new();
    LINES.get_or_init(|| {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let spawned = std::thread::Builder::new().name("rfa-tester-input".into()).spawn(move || {
            let mut line = String::new();
            loop {
                line.clear();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line.trim().to_string()).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        if spawned.is_err() {
            tracing::error!("could not start the thread that reads the tester's answers");
        }
        tokio::sync::Mutex::new(rx)
    })
}

/// Waits up to `bound` for the tester's answer on standard input.
pub async fn ask_tester(text: &str, bound: Duration) -> Answer {
    static PRINT: Mutex<()> = Mutex::new(());
    let mut rx = lines().lock().await;
    let print = || {
        let _one = PRINT.lock();
        eprint!("{text}");
    };
    answer(&mut rx, print, bound).await
}

/// Prompts (`print`) and waits up to `bound` for the next line. A line
/// typed before the prompt answered an earlier one that timed out (or was
/// typed ahead): it is dropped, never taken as done for this action.
async fn answer(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    print: impl FnOnce(),
    bound: Duration,
) -> Answer {
    while rx.try_recv().is_ok() {}
    print();
    match tokio::time::timeout(bound, rx.recv()).await {
        Err(_) => Answer::Skip(format!("the tester did not answer within {} s", bound.as_secs())),
        Ok(None) => Answer::Skip("standard input is closed: no tester to carry out the action".into()),
        Ok(Some(l)) if l.eq_ignore_ascii_case("skip") => Answer::Skip("the tester skipped the action".into()),
        Ok(Some(l)) if l.eq_ignore_ascii_case("refused") => Answer::Refused,
        Ok(Some(_)) => Answer::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A late Enter, typed after its prompt timed out, is not taken by the
    /// next prompt; a line typed after the prompt is.
    #[tokio::test]
    async fn a_line_typed_before_the_prompt_does_not_answer_it() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        tx.send(String::new()).expect("send");
        let late = answer(&mut rx, || {}, Duration::from_millis(50)).await;
        assert_eq!(late, Answer::Skip("the tester did not answer within 0 s".into()));
        let tx2 = tx.clone();
        let now = answer(&mut rx, move || tx2.send(String::new()).expect("send"), Duration::from_secs(5)).await;
        assert_eq!(now, Answer::Done, "typed once the prompt is out");
        let tx3 = tx.clone();
        let skip = answer(&mut rx, move || tx3.send("SKIP".into()).expect("send"), Duration::from_secs(5)).await;
        assert_eq!(skip, Answer::Skip("the tester skipped the action".into()));
        let tx4 = tx.clone();
        let refused = answer(&mut rx, move || tx4.send("Refused".into()).expect("send"), Duration::from_secs(5)).await;
        assert_eq!(refused, Answer::Refused, "a refusal is the tester's report, judged by the checks");
        drop(tx);
        let closed = answer(&mut rx, || {}, Duration::from_secs(5)).await;
        assert!(matches!(closed, Answer::Skip(why) if why.contains("closed")));
    }

    #[test]
    fn every_action_is_described_and_the_body_names_it() {
        for (a, d) in ACTIONS {
            assert!(!d.is_empty());
            let b = trigger_body(a, &[("patient".into(), "x".into())], Some("http://127.0.0.1:1/"));
            assert_eq!(b.pointer("/parameter/0/valueCode").and_then(Value::as_str), Some(*a));
        }
        let p = prompt(1, "RFA-X", "cancel-prescription", &[("prescriptionId".into(), "A".into())], "http://h/");
        assert!(p.contains("Cancel this prescription") && p.contains("prescriptionId: A") && p.contains("skip"));
    }
}
