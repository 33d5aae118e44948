//! The simulated printer: fault injection, send_job refusals, the shared `sim` printer.

use std::time::Duration;

use kasir_hardware::{
    kick_drawer, open, query_status, send_job, sim_printer, HardwareError, PrinterState,
    PrinterUri, SimPrinterHandle, SimState, Transport,
};

const JOB: &[u8] = b"\x1b@KOPERASI MERAH PUTIH\nBeras 5 kg   65.000\n\x1dVB\x00";

#[test]
fn paper_out_refuses_then_prints_once_after_refill() {
    let sim = SimPrinterHandle::new();
    let mut t = sim.transport();
    sim.set_state(SimState::PaperOut);
    assert_eq!(send_job(&mut t, JOB), Err(HardwareError::PaperOut));
    assert!(
        sim.output().is_empty(),
        "nothing may be printed while paper is out"
    );

    sim.set_state(SimState::Online);
    assert_eq!(send_job(&mut t, JOB), Ok(()));
    assert_eq!(sim.output(), JOB.to_vec(), "the job appears exactly once");
    assert_eq!(sim.writes(), 1);
}

#[test]
fn each_fault_gives_its_own_refusal_and_status() {
    let table = [
        (SimState::Online, PrinterState::Ready, Ok(())),
        (SimState::PaperNearEnd, PrinterState::PaperNearEnd, Ok(())),
        (
            SimState::PaperOut,
            PrinterState::PaperOut,
            Err(HardwareError::PaperOut),
        ),
        (
            SimState::CoverOpen,
            PrinterState::CoverOpen,
            Err(HardwareError::CoverOpen),
        ),
        (
            SimState::Offline,
            PrinterState::Offline,
            Err(HardwareError::Offline),
        ),
        (
            SimState::Error,
            PrinterState::Error,
            Err(HardwareError::PrinterFault),
        ),
    ];
    for (sim_state, want_state, want_send) in table {
        let sim = SimPrinterHandle::new();
        sim.set_state(sim_state);
        let mut t = sim.transport();
        let status = query_status(&mut t, Duration::from_millis(100)).unwrap();
        assert_eq!(status.state, want_state, "{sim_state:?}");
        assert_eq!(send_job(&mut t, JOB), want_send, "{sim_state:?}");
        let printed = !sim.output().is_empty();
        assert_eq!(printed, want_send.is_ok(), "{sim_state:?}");
        // A raw write (no status check) is refused by the printer itself too.
        sim.clear();
        assert_eq!(
            t.write_all(b"x").is_ok(),
            want_send.is_ok(),
            "{sim_state:?}"
        );
    }
}

#[test]
fn drawer_kick_is_counted_and_not_printed() {
    let sim = SimPrinterHandle::new();
    let mut t = sim.transport();
    kick_drawer(&mut t).unwrap();
    assert_eq!(sim.drawer_kicks(), 1);
    assert!(sim.output().is_empty());
    // The simulator opens the drawer while the paper is out (the cash must go in). A real
    // Epson in paper-end offline buffers ESC p until paper is loaded; DLE DC4 1 would pulse
    // in real time but not every clone knows it.
    sim.set_state(SimState::PaperOut);
    kick_drawer(&mut t).unwrap();
    assert_eq!(sim.drawer_kicks(), 2);
}

#[test]
fn sim_uri_opens_the_process_wide_printer() {
    let uri: PrinterUri = "sim".parse().unwrap();
    let mut t = open(&uri).unwrap();
    assert!(t.two_way());
    let before = sim_printer().output().len();
    send_job(&mut t, b"demo struk\n").unwrap();
    let out = sim_printer().output();
    assert_eq!(out.len(), before + b"demo struk\n".len());
    assert!(out.ends_with(b"demo struk\n"));
}
