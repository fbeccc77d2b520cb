use std::time::Instant;
fn main() {
    let db = std::env::args().nth(1).unwrap();
    let store = zhiku::store::Store::open_read_only(std::path::Path::new(&db)).unwrap();
    let c = store.conn();
    for q in std::env::args().skip(2) {
        let mut r = zhiku::search::Request::new(&q);
        r.typing = true;
        let _ = zhiku::search::search(c, &r).unwrap();
        let mut best = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let _ = zhiku::search::search(c, &r).unwrap();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        println!("{q:<16} {best:>7.2} ms");
    }
}
