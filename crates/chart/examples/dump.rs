//! dev only
fn main() {
    for p in std::env::args().skip(1) {
        match charthouse_chart::load(&p) {
            Ok(c) => {
                for ch in c.walk() {
                    println!("{p}\t{}\t{}\tt={}\tf={}\tv={}", ch.full_path(), ch.metadata.version, ch.templates.len(), ch.files.len(), ch.values.len());
                }
            }
            Err(e) => println!("{p}\tERROR {e}"),
        }
    }
}
