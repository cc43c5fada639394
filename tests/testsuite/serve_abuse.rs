//! The dev server under abuse (issue #12, class 7): it answers only to
//! loopback names unless told `--bind`, never redirects to another host,
//! keeps serving while clients hog connections, never read, or exhaust its
//! file descriptors, and serves static files and images as they are saved.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use crate::harness::*;

#[test]
fn only_requests_for_loopback_names_are_answered() {
    let f = Fixture::handbook();
    let s = f.serve(&[]);
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let ask = |host: &str| s.request(&format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")).status;
    for ok in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
        assert_eq!(ask(&ok), 200, "{ok}");
    }
    // A page on another site that resolves its own name to 127.0.0.1.
    for bad in [format!("evil.example:{port}"), format!("127.0.0.1.nip.io:{port}"), "localhost:1".to_string()] {
        assert_eq!(ask(&bad), 421, "{bad}");
    }
    let none = s.request("GET / HTTP/1.0\r\n\r\n");
    assert_eq!(none.status, 421);

    // Still loopback: still only loopback names, `*.localhost` included.
    let local = f.serve(&["--bind", "localhost"]);
    let ask =
        |host: &str| local.request(&format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")).status;
    assert_eq!(ask("handbook.internal"), 421);
    assert_eq!(ask(&format!("docs.localhost:{}", local.addr.rsplit(':').next().unwrap())), 200);
}

#[test]
fn redirects_never_send_the_browser_to_another_host() {
    let f = Fixture::handbook();
    let s = f.serve(&[]);
    for path in ["//principles", "///principles", "/%2Fprinciples", "/principles"] {
        let r = s.get(path);
        if let Some(location) = r.header("location") {
            assert!(location.starts_with('/') && !location.starts_with("//"), "{path} -> {location}");
        }
    }
    assert_eq!(s.get("//principles").header("location").as_deref(), Some("/principles/"));
}

#[test]
fn clients_that_never_read_or_never_finish_cannot_block_others() {
    let f = Fixture::handbook();
    let s = f.serve(&[]);
    let big = "/print/";
    assert_eq!(s.get(big).status, 200, "the largest page is served");
    let mut hogs = Vec::new();
    for i in 0..40 {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        if i % 2 == 0 {
            // Asks for the largest page again and again and never reads.
            let request = format!("GET {big} HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr).repeat(50);
            c.write_all(request.as_bytes()).unwrap();
        } else {
            // Starts its headers and never finishes them.
            c.write_all(b"GET / HTTP/1.1\r\nHost: loc").unwrap();
        }
        hogs.push(c);
    }
    for _ in 0..5 {
        let page = s.get("/principles/own-the-roadmap/");
        assert_eq!(page.status, 200);
        assert!(page.text().contains("Own the roadmap"));
    }
    // Tabs that never read their event stream take a share of their own.
    let mut tabs = Vec::new();
    for _ in 0..80 {
        let mut c = TcpStream::connect(&s.addr).unwrap();
        write!(c, "GET /__playbook/events HTTP/1.1\r\nHost: {}\r\n\r\n", s.addr).unwrap();
        tabs.push(c);
    }
    assert_eq!(s.get("/principles/own-the-roadmap/").status, 200);
    drop(hogs);
    drop(tabs);
}

#[test]
fn it_keeps_accepting_after_running_out_of_file_descriptors() {
    let f = Fixture::handbook();
    let mut cmd = Command::new("bash");
    // 64 descriptors: the build, the watcher and the runtime need about 30.
    cmd.arg("-c").arg("ulimit -n 64 && exec \"$0\" serve --port 0").arg(bin());
    let s = f.serve_with(cmd);
    let mut idle = Vec::new();
    for _ in 0..120 {
        match TcpStream::connect(&s.addr) {
            Ok(c) => idle.push(c),
            Err(_) => break,
        }
    }
    // Give the server time to accept what it can and hit the limit.
    std::thread::sleep(Duration::from_millis(500));
    drop(idle);
    std::thread::sleep(Duration::from_millis(200));
    let mut c = TcpStream::connect(&s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(c, "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr).unwrap();
    let mut response = String::new();
    let _ = c.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 200"), "no answer after the descriptors ran out: {response:.80}");
}

#[test]
fn static_files_and_images_are_served_as_saved() {
    let f = Fixture::handbook();
    f.write("static/notes.txt", "first");
    f.write("chapters/02-principles/img/plan.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>v1</title></svg>");
    let path = "chapters/02-principles/01-own-the-roadmap.md";
    f.write(path, f.read(path) + "\n![Plan](img/plan.svg)\n");
    let s = f.serve(&[]);
    let events = s.events();
    wait_for(&events, "hello");
    assert_eq!(s.get("/notes.txt").text(), "first");

    f.write("static/notes.txt", "second");
    wait_for(&events, "change");
    assert_eq!(s.get("/notes.txt").text(), "second");

    f.write("chapters/02-principles/img/plan.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>v2</title></svg>");
    wait_for(&events, "change");
    assert!(s.get("/media/chapters/02-principles/img/plan.svg").text().contains("v2"));

    f.write("static/added.txt", "new");
    wait_for(&events, "change");
    assert_eq!(s.get("/added.txt").text(), "new");
    s.assert_equals_clean_build(f.root());
}
