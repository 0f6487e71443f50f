//! An OCPP 1.6J charge point on a Raspberry Pi Pico (RP2040).
//!
//! - The engine's whole state lives in [`EnginePool`], a talc pool over a
//!   `static` array of [`POOL_SIZE`] bytes. Nothing else allocates: there is
//!   no global heap.
//! - The pool locks with `critical-section`, implemented by rp2040-hal's
//!   `critical-section-impl` feature (hardware spinlock 31 plus interrupts
//!   off): safe across both cores and interrupt handlers.
//! - The clock is the RP2040's 1 MHz timer.
//! - OCPP-J frames travel over UART0 (GP0 = TX, GP1 = RX, 115200 8N1), one
//!   frame per line, to a network co-processor or to `examples/bridge` on a
//!   host. Lines starting with `#` are control lines, not OCPP: the
//!   bridge's `#connected` / `#disconnected` report the WebSocket, and
//!   `#stats` asks the firmware for its pool and link counters (answered
//!   with one `#stats ...` line).
//! - GP15 (pulled up; low = cable plugged) is the connector's plug switch,
//!   GP14 (pulled up; low = pressed) presents a demo idTag at connector 1,
//!   GP16 drives the contactor (high = closed: energy offered), the LED
//!   (GP25) lights once the central system has accepted the charge point.
//!   The same inputs come as control lines too: `#plug`, `#unplug`,
//!   `#idtag <idTag>`, and the meter's readings, `#meter <measurand>
//!   <units>` (for a bench without switches, or a co-processor that owns
//!   the card reader and the meter).
//! - Events: `Energy` switches the contactor; `Unlock` is answered
//!   `Unlocked` at once (this board has no lock motor: the cable is never
//!   locked, so there is nothing to fail); `Reset` (hard or soft: the MCU
//!   has only one kind) resets the chip with `SCB::sys_reset()` once the
//!   transaction messages the engine queued are delivered
//!   (`cp.queue().queued == 0`) and the UART is drained, or after
//!   [`RESET_GRACE_MS`] when they cannot be (offline).
#![no_std]
#![no_main]

use core::fmt::Write as _;

use embedded_hal::digital::{InputPin, OutputPin};
use fugit::RateExtU32;
use panic_halt as _;
use rp2040_hal::{self as hal, pac, uart, Clock};

use ocpp_engine::ocpp_model::{IdToken, Limits, Measurand, RegistrationStatus, UnlockStatus};
use ocpp_engine::{
    max_call_len, ChargePoint, Config, Duration, Event, HandleError, InputError, Instant, Value,
    GET_CONFIGURATION_ALL_LEN,
};

mod line;
mod link;
/// Stack painting and static RAM from the linker's symbols, shared with the
/// QEMU example (the same cortex-m-rt memory layout).
#[path = "../../qemu-m0/src/mem.rs"]
#[allow(dead_code)]
mod mem;

use line::LineBuffer;
use link::Tx;

/// The second-stage bootloader for the Pico's W25Q080-class flash.
#[link_section = ".boot2"]
#[used]
pub static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

/// allocator-api2's collections link Rust's `alloc` crate, which wants a
/// global allocator; this one refuses everything (see `ocpp_alloc::NoGlobalHeap`).
#[global_allocator]
static NO_GLOBAL_HEAP: ocpp_alloc::NoGlobalHeap = ocpp_alloc::NoGlobalHeap;

/// The engine's pool. The QEMU example's session (boot, statuses,
/// Authorize, heartbeat) peaks at well under 1 KiB of it; the rest is
/// headroom for what later engine versions keep (transactions, queued
/// messages, local lists). Size yours from the per-step figures and the
/// benchmark tables (see ../README.md).
#[cfg(not(feature = "small-pool"))]
pub const POOL_SIZE: usize = 16 * 1024;
/// With `--features small-pool`: room for the charge point and its
/// registration, not for a transaction (see `emu/`).
#[cfg(feature = "small-pool")]
pub const POOL_SIZE: usize = SMALL_POOL_SIZE;
/// The pool of the `small-pool` build, in bytes.
#[cfg_attr(not(feature = "small-pool"), allow(dead_code))]
const SMALL_POOL_SIZE: usize = 1536;
ocpp_alloc::static_pool!(pub EnginePool: ocpp_alloc::TalcPool, POOL_SIZE);

/// Longest frame received, in bytes (one line on the UART).
const MAX_FRAME: usize = 2048;
/// The charge point: one connector, the readings of a single-phase meter
/// (energy, power, current, voltage: `#meter` lines beyond four
/// measurands are refused), frames of at most `MAX_FRAME` bytes and 8
/// levels, the engine's defaults otherwise.
const CONFIG: Config<'static> = Config::new("VendorX", "ModelY")
    .with_connectors(1)
    .with_max_readings(4)
    .with_limits(Limits::new(MAX_FRAME, 8));
/// Longest frame sent: the engine's longest CALL (`max_call_len`, 4,436 B:
/// a StopTransaction with 4 StopTxnAlignedData samples of 4 readings
/// each), or the answer to a GetConfiguration without keys (at most
/// `GET_CONFIGURATION_ALL_LEN`, 2,700 B, with every measurand list at its
/// longest; add each key the firmware registers, name, value and 40 B; this
/// one registers none). An answer that does not fit a buffer of at least
/// 256 B becomes a CALLERROR; a CALL that does not fit waits for ever.
const MAX_TX: usize = max(max_call_len(&CONFIG), GET_CONFIGURATION_ALL_LEN);

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}
/// External crystal of the Pico.
const XTAL_HZ: u32 = 12_000_000;
/// The idTag GP14 presents.
const DEMO_ID_TAG: &str = "DEMO0001";
/// How often the switches are sampled.
const INPUT_PERIOD_MS: u64 = 20;
/// The longest a reset waits for the queued transaction messages.
const RESET_GRACE_MS: u64 = 30_000;

#[hal::entry]
fn main() -> ! {
    let mut pac = pac::Peripherals::take().unwrap();
    let mut watchdog = hal::Watchdog::new(pac.WATCHDOG);
    let clocks = hal::clocks::init_clocks_and_plls(
        XTAL_HZ,
        pac.XOSC,
        pac.CLOCKS,
        pac.PLL_SYS,
        pac.PLL_USB,
        &mut pac.RESETS,
        &mut watchdog,
    )
    .ok()
    .unwrap();
    // Paint the free stack now (clocks are up, so it takes a few ms); `#stats`
    // reports how deep it has been since.
    mem::paint_stack();
    let sio = hal::Sio::new(pac.SIO);
    let pins = hal::gpio::Pins::new(
        pac.IO_BANK0,
        pac.PADS_BANK0,
        sio.gpio_bank0,
        &mut pac.RESETS,
    );
    let timer = hal::Timer::new(pac.TIMER, &mut pac.RESETS, &clocks);

    let uart_pins = (
        pins.gpio0.into_function::<hal::gpio::FunctionUart>(),
        pins.gpio1.into_function::<hal::gpio::FunctionUart>(),
    );
    let uart = uart::UartPeripheral::new(pac.UART0, uart_pins, &mut pac.RESETS)
        .enable(
            uart::UartConfig::new(
                115_200.Hz(),
                uart::DataBits::Eight,
                None,
                uart::StopBits::One,
            ),
            clocks.peripheral_clock.freq(),
        )
        .unwrap();
    let (mut rx, mut tx_uart) = uart.split();
    // The transmit and line buffers are statics (`.bss`), not in `main`'s
    // frame: `size` counts them, and the stack holds only calls.
    let tx = cortex_m::singleton!(: Tx<{ MAX_TX + 1 }> = Tx::new()).unwrap();

    let mut plug = pins.gpio15.into_pull_up_input();
    let mut button = pins.gpio14.into_pull_up_input();
    let mut led = pins.gpio25.into_push_pull_output();
    let mut contactor = pins.gpio16.into_push_pull_output();

    let now = || Instant::from_millis(timer.get_counter().ticks() / 1_000);

    // The pool is empty at boot: only a pool smaller than the engine's
    // fixed part fails here. (`new` takes the configuration in: its frame
    // is gone once the loop runs.)
    let mut cp = new_charge_point();

    let lines = cortex_m::singleton!(: LineBuffer<MAX_FRAME> = LineBuffer::new()).unwrap();
    let mut board = Board::default();
    let mut next_input_scan = now();
    // Tell the bridge we (re)started: it answers `#connected` when its
    // WebSocket is already open (after a Reset, say).
    let _ = tx.load_line(|w| w.write_str("#booted"));

    loop {
        // 1. Received bytes -> lines -> the engine.
        link::receive(&mut rx, lines, |frame| {
            if handle_line(&mut cp, &mut board, now(), frame) == Err(HandleError::Busy) {
                // The engine's answer queue is full: send it out, then offer
                // the frame again.
                tx.flush_blocking(&mut tx_uart, &mut cp, now());
                let _ = handle_line(&mut cp, &mut board, now(), frame);
            }
        });

        // 2. Timers.
        if cp.poll_timeout().is_some_and(|deadline| deadline <= now()) {
            cp.handle_timeout(now());
        }

        // 3. Frames to send, as far as the UART's FIFO takes them. A stats
        //    line asked for by `#stats` goes out between two frames.
        if board.stats_requested {
            let pool = EnginePool::pool().stats();
            let (dropped, encode_errors) = (lines.dropped(), tx.encode_errors);
            let queue = cp.queue();
            board.stats_requested = !tx.load_line(|w| {
                write!(
                    w,
                    "#stats pool_in_use={} pool_peak={} pool_capacity={} refusals={} stack_high_water={} static_ram={} lines_dropped={} frames_not_taken={} inputs_refused={} encode_errors={} tx_queued={} tx_samples_skipped={} tx_discarded={}",
                    pool.in_use,
                    pool.peak,
                    EnginePool::pool().capacity(),
                    pool.refusals,
                    mem::stack_high_water(),
                    mem::static_ram().total,
                    dropped,
                    board.frames_not_taken,
                    board.refused_inputs,
                    encode_errors,
                    queue.queued,
                    queue.skipped,
                    queue.discarded,
                )
            });
        }
        tx.service(&mut tx_uart, &mut cp, now());

        // 4. What the engine wants the hardware to do.
        while let Some(event) = cp.poll_event() {
            match event {
                Event::Registered(status) => {
                    let _ = led.set_state((status == RegistrationStatus::Accepted).into());
                }
                // One connector: the contactor of connector 1.
                Event::Energy { on, .. } => {
                    let _ = contactor.set_state(on.into());
                }
                // No lock motor: the cable is never locked, so it is unlocked.
                // (`false`: it was the EV side leaving, nobody waits for an answer.)
                Event::Unlock { connector } => {
                    let _ = cp.unlock_result(connector, UnlockStatus::Unlocked);
                }
                Event::Reset { .. } => {
                    board
                        .reset_by
                        .get_or_insert(now() + Duration::from_millis(RESET_GRACE_MS));
                }
                // A display would show these (idTag refused or not verified,
                // the firmware's own Authorize, a configuration change).
                _ => {}
            }
        }
        if let Some(by) = board.reset_by {
            // Once the StopTransactions are delivered (and the answer to the
            // Reset is out), or at the end of the grace period.
            let delivered = cp.queue().queued == 0 && tx.service(&mut tx_uart, &mut cp, now());
            if delivered || now() >= by {
                tx.flush_blocking(&mut tx_uart, &mut cp, now());
                let _ = nb::block!(embedded_hal_nb::serial::Write::flush(&mut tx_uart));
                cortex_m::peripheral::SCB::sys_reset();
            }
        }

        // 5. Hardware inputs. A refused input (out of memory, queue full)
        //    changed nothing and stays pending: it is retried next scan.
        if now() >= next_input_scan {
            next_input_scan = now() + Duration::from_millis(INPUT_PERIOD_MS);
            let plugged = plug.is_low().unwrap_or(false);
            if plugged != board.switch_plugged {
                board.switch_plugged = plugged;
                board.plugged = plugged;
            }
            if board.plugged != board.reported_plugged {
                let result = if board.plugged {
                    cp.plug_in(now(), 1)
                } else {
                    cp.unplug(now(), 1)
                };
                match result {
                    Ok(()) => board.reported_plugged = board.plugged,
                    Err(_) => board.refused_inputs = board.refused_inputs.wrapping_add(1),
                }
            }
            let pressed = button.is_low().unwrap_or(false);
            if pressed && !board.button_was_pressed {
                board.id_tag = IdToken::try_from_str(DEMO_ID_TAG).ok();
            }
            board.button_was_pressed = pressed;
            if let Some(id_tag) = board.id_tag {
                match cp.present_id_tag(now(), 1, id_tag.as_str()) {
                    Ok(()) => board.id_tag = None,
                    // Nothing changed; try again at the next scan.
                    Err(InputError::OutOfMemory | InputError::QueueFull) => {
                        board.refused_inputs = board.refused_inputs.wrapping_add(1);
                    }
                    // Retrying cannot help now (busy with another idTag,
                    // connector unavailable, a malformed idTag): drop it.
                    Err(_) => {
                        board.id_tag = None;
                        board.refused_inputs = board.refused_inputs.wrapping_add(1);
                    }
                }
            }
        }
    }
}

/// The charge point in [`EnginePool`], out of line so that its
/// configuration and what `new` assembles stay off `main`'s frame.
#[inline(never)]
fn new_charge_point() -> ChargePoint<EnginePool> {
    ChargePoint::new(&CONFIG, EnginePool).unwrap()
}

/// The firmware's side of the state: what it told the engine, and counters
/// a debugger (or a status frame of your own) can read.
#[derive(Default)]
struct Board {
    /// Whether a cable is in: the switch's last change or a `#plug`/`#unplug` line.
    plugged: bool,
    switch_plugged: bool,
    reported_plugged: bool,
    button_was_pressed: bool,
    /// An idTag to present at connector 1 (button or `#idtag` line).
    id_tag: Option<IdToken>,
    /// A Reset was asked for: reset by then at the latest.
    reset_by: Option<Instant>,
    /// Frames the engine ignored, found unsolicited, or could not take for lack of memory.
    frames_not_taken: u32,
    /// Inputs the engine refused for now (they are retried).
    refused_inputs: u32,
    /// The bridge said `#connected` (and not `#disconnected` since).
    connected: bool,
    /// `#stats` arrived: report the counters on the UART.
    stats_requested: bool,
}

/// One received line: a control line of the bridge, or an OCPP-J frame.
fn handle_line<A>(
    cp: &mut ChargePoint<A>,
    board: &mut Board,
    now: Instant,
    line: &[u8],
) -> Result<(), HandleError>
where
    A: allocator_api2::alloc::Allocator + Clone,
{
    match line {
        // A repeated `#connected` (the bridge's answer to `#booted` when it
        // had just said so) is not a new connection.
        b"#connected" if !board.connected => {
            board.connected = true;
            cp.connected(now);
        }
        b"#disconnected" => {
            board.connected = false;
            cp.disconnected(now);
        }
        b"#stats" => board.stats_requested = true,
        b"#plug" => board.plugged = true,
        b"#unplug" => board.plugged = false,
        _ if line.starts_with(b"#idtag ") => {
            // Not a CiString20 of printable ASCII: ignored (and counted).
            let tag = core::str::from_utf8(&line[7..]).ok();
            board.id_tag = tag.and_then(|t| IdToken::try_from_str(t).ok());
            if board.id_tag.is_none() {
                board.refused_inputs = board.refused_inputs.wrapping_add(1);
            }
        }
        _ if line.starts_with(b"#meter ") => {
            // `#meter <measurand> <whole units>`, e.g. `#meter Power.Active.Import 11000`:
            // a reading of connector 1's meter (a bench, or a co-processor that reads it).
            let reading = core::str::from_utf8(&line[7..]).ok().and_then(|t| {
                let (name, value) = t.split_once(' ')?;
                Some((Measurand::parse(name).ok()?, value.parse::<i64>().ok()?))
            });
            let taken = reading.is_some_and(|(measurand, units)| {
                cp.set_meter(now, 1, measurand, Value::from_units(units))
                    .is_ok()
            });
            if !taken {
                board.refused_inputs = board.refused_inputs.wrapping_add(1);
            }
        }
        _ if line.starts_with(b"#") => {}
        frame => {
            let result = cp.handle_frame(now, frame);
            if result.is_err() {
                board.frames_not_taken = board.frames_not_taken.wrapping_add(1);
            }
            return result;
        }
    }
    Ok(())
}
