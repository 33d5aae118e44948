//! Print the devices `list_devices()` finds: `cargo run -p kasir-hardware --example devices`.

fn main() {
    let devices = kasir_hardware::list_devices();
    if devices.is_empty() {
        println!("no serial ports or USB printers found");
    }
    for d in devices {
        println!("{:<20} {:<40} {}", d.path, d.suggested_uri, d.description);
    }
}
