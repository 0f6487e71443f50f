//! The OCPP engine on a Cortex-M0 with 16 KiB of RAM (QEMU's `microbit`).
//!
//! Runs a scripted charging session against a scripted central system
//! compiled in ([`csms`]), with a virtual clock, and reports over
//! semihosting: each step's outcome, the pool's peak, the stack's high-water
//! mark and the static RAM. Then runs the same session again with budgets
//! too small for it, and once more for each of its allocations with that
//! allocation refused: every refusal must come back as an out-of-memory
//! outcome, the session must carry on to its end, and nothing may leak.
//!
//! Exits with success only when all of that held. A panic or a HardFault
//! prints what happened and exits with failure.
#![no_std]
#![no_main]

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};
use ocpp_alloc::{FailureInjector, FailurePlan, Measured};

mod csms;
#[path = "../../rp2040/src/line.rs"]
#[allow(dead_code)]
mod line;
mod log;
mod mem;
mod session;

use session::Mode;

/// The engine's pool: a talc pool over a `static` array.
pub const POOL_SIZE: usize = 2 * 1024;
ocpp_alloc::static_pool!(pub EnginePool: ocpp_alloc::TalcPool, POOL_SIZE);

/// allocator-api2's collections link Rust's `alloc` crate, which wants a
/// global allocator; this one refuses everything (see `ocpp_alloc::NoGlobalHeap`).
#[global_allocator]
static NO_GLOBAL_HEAP: ocpp_alloc::NoGlobalHeap = ocpp_alloc::NoGlobalHeap;

/// Refuses the allocations the current plan names (none in session 1).
static INJECT: FailureInjector<EnginePool> = FailureInjector::new(EnginePool);
/// Counts what the engine allocates in session 1.
static FULL: Measured<&FailureInjector<EnginePool>> = Measured::new(&INJECT);

#[entry]
fn main() -> ! {
    mem::paint_stack();
    hprintln!("ocpp-qemu-m0: OCPP 1.6J charge point on a Cortex-M0, 16 KiB RAM");
    let ram = mem::static_ram();
    let mut ok = true;

    // 1. The scripted session with the whole pool, printing only failures:
    //    the stack this takes is what the engine and its loop need.
    hprintln!(
        "\n== session 1: pool {} B (talc), every step checked",
        POOL_SIZE
    );
    let quiet = session::run(&FULL, Mode::Expect { verbose: false }, false);
    let stack_engine = mem::stack_high_water();
    let attempts = INJECT.attempts();
    ok &= quiet.failed_steps == 0 && !quiet.new_refused && FULL.stats().in_use == 0;

    //    The same once more, printing every step.
    mem::paint_stack();
    let full = session::run(&FULL, Mode::Expect { verbose: true }, false);
    let stack_printing = mem::stack_high_water();
    let pool = EnginePool::pool().stats();
    let leaked = EnginePool::pool().stats().in_use;
    hprintln!(
        "session 1: {} steps, {} failed; engine peak {} B requested ({} B right after ChargePoint::new); \
         pool peak {} B of {} B capacity; {} allocation attempts per session; pool in use after drop {} B",
        full.steps,
        full.failed_steps,
        full.peak,
        full.base,
        pool.peak,
        EnginePool::pool().capacity(),
        attempts,
        leaked
    );
    ok &= full.failed_steps == 0 && !full.new_refused && leaked == 0;

    // 2. Budgets too small for the session, from nothing up to one byte
    //    below its peak; one of them step by step.
    hprintln!("\n== session 2: the same script with a budget too small (Measured::with_cap over the same pool)");
    let (base, peak) = (full.base, full.peak);
    let budgets = [
        0,
        base / 2,
        base - 1,
        base,
        base + (peak - base) / 4,
        base + (peak - base) / 2,
        peak - 1,
    ];
    let mut total_oom = 0;
    for (i, &cap) in budgets.iter().enumerate() {
        let verbose = i == 3;
        if verbose {
            hprintln!("-- budget {} B, step by step:", cap);
        }
        let capped = Measured::with_cap(&INJECT, cap);
        let report = session::run(&capped, Mode::Tolerate { verbose }, false);
        let leaked = capped.stats().in_use;
        let run_ok = report.out_of_memory > 0 && leaked == 0 && report.failed_steps == 0;
        ok &= run_ok;
        total_oom += report.out_of_memory;
        hprintln!(
            "budget {:>4} B: {}, {} out-of-memory outcomes, {} refusals, in use after drop {} B -> {}",
            cap,
            if report.new_refused { "ChargePoint::new refused" } else { "ran to its end" },
            report.out_of_memory,
            capped.stats().refusals,
            leaked,
            if run_ok { "ok" } else { "FAIL" }
        );
    }

    // 3. Each allocation attempt of the session refused once, in turn.
    hprintln!(
        "\n== session 3: each of the {} allocation attempts of the session refused once",
        attempts
    );
    let mut refused_ok = 0;
    for n in 1..=attempts {
        INJECT.set_plan(FailurePlan::Nth(n));
        let counted = Measured::new(&INJECT);
        let report = session::run(&counted, Mode::Tolerate { verbose: false }, false);
        let leaked = counted.stats().in_use;
        let run_ok = INJECT.refusals() == 1
            && report.out_of_memory >= 1
            && leaked == 0
            && report.failed_steps == 0;
        if run_ok {
            refused_ok += 1;
        } else {
            hprintln!(
                "attempt {} refused: {} out-of-memory outcomes reported, {} refusals, in use after drop {} B -> FAIL",
                n,
                report.out_of_memory,
                INJECT.refusals(),
                leaked
            );
        }
        total_oom += report.out_of_memory;
    }
    INJECT.set_plan(FailurePlan::Never);
    hprintln!("{} of {} runs: the refusal came back as an out-of-memory outcome, the session ran to its end, nothing leaked", refused_ok, attempts);
    ok &= refused_ok == attempts;
    let stack_all = mem::stack_high_water();

    // Where the stack goes: session 1 again, probing every engine call.
    let probed = session::run(&FULL, Mode::Expect { verbose: false }, true);
    ok &= probed.failed_steps == 0;
    let s = probed.stack;

    // 4. Memory.
    hprintln!("\n== memory (RAM 16384 B)");
    hprintln!(
        "static RAM: {} B (.data {} B, .bss {} B, .uninit {} B), of which the pool arena {} B",
        ram.total,
        ram.data,
        ram.bss,
        ram.uninit,
        POOL_SIZE
    );
    hprintln!(
        "stack high-water mark: {} B for the session alone, {} B with semihosting printing, {} B over all runs; {} B left for the stack",
        stack_engine,
        stack_printing,
        stack_all,
        ram.stack_room
    );
    hprintln!(
        "stack per engine call, beyond the caller's frame: new {} B, handle_frame {} B, poll_transmit {} B, poll_event {} B, inputs {} B; \
         the session harness's own frame holds {} B of buffers (UART line {} B, transmit {} B, answer {} B)",
        s.new,
        s.handle_frame,
        s.poll_transmit,
        s.poll_event,
        s.input,
        session::LINE_LEN + session::TX_LEN + csms::ANSWER_LEN,
        session::LINE_LEN,
        session::TX_LEN,
        csms::ANSWER_LEN
    );
    hprintln!(
        "RAM used at most: {} B of 16384 B",
        ram.total + stack_all.max(stack_printing)
    );
    hprintln!(
        "out-of-memory outcomes over sessions 2 and 3: {}, no fault",
        total_oom
    );

    if ok {
        hprintln!("RESULT: PASS");
        debug::exit(debug::EXIT_SUCCESS);
    } else {
        hprintln!("RESULT: FAIL");
        debug::exit(debug::EXIT_FAILURE);
    }
    halt()
}

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    hprintln!("HARDFAULT: pc={:#010x} lr={:#010x}", ef.pc(), ef.lr());
    hprintln!("RESULT: FAIL");
    debug::exit(debug::EXIT_FAILURE);
    halt()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("PANIC: {}", info);
    hprintln!("RESULT: FAIL");
    debug::exit(debug::EXIT_FAILURE);
    halt()
}

/// After `debug::exit` (which returns only where semihosting is off).
fn halt() -> ! {
    loop {
        cortex_m::asm::wfi();
    }
}
