//! Plays one negotiation and prints every round: `cargo run -p settle-sim --example trace --
//! CLAIM_JSON STYLE PATIENCE RESERVE SEED` (the claim as JSON, e.g. from `settle history import`).

use rand::SeedableRng;
use settle_sim::buyer::{Buyer, Patience, Reserve, Style};
use settle_sim::play::{self, Stage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("claim file");
    let src = settle_rules::SourceFile::new(args[1].clone(), text);
    let claim =
        settle_rules::parse_claim(&src, settle_rules::Format::of_path(&args[1])).expect("claim");
    let p = settle_rules::defaults::load_default().expect("rules");
    let style = Style::parse(&args[2]).expect("style");
    let patience = match args[3].as_str() {
        "patient" => Patience::Patient,
        "normal" => Patience::Normal,
        _ => Patience::Impatient,
    };
    let reserve = match args[4].as_str() {
        "low" => Reserve::Low,
        "mid" => Reserve::Mid,
        _ => Reserve::High,
    };
    let seed: u64 = args[5].parse().unwrap_or(1);
    let stage = Stage::new(&p, &claim).expect("stage");
    let buyer = Buyer::new(style, patience, stage.ask_value(&p), reserve);
    println!(
        "ask value {} reserve {} bottom line {} fair {}",
        stage.ask_value(&p),
        buyer.reserve,
        stage.first().bottom_line,
        stage.first().fair_share
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let run = play::play_advice_traced(&p, &stage, buyer.clone(), &mut rng, true);
    println!("advice: {run:?}");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    println!(
        "boulware: {:?}",
        play::play_fixed(&p, &stage, 0.2, buyer.clone(), &mut rng)
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    println!(
        "conceder: {:?}",
        play::play_fixed(&p, &stage, 3.0, buyer, &mut rng)
    );
}
