//! Where the RAM goes: static sections from the linker's symbols, and the
//! stack's high-water mark by painting.
//!
//! cortex-m-rt's `link.x` lays RAM out as `.data`, `.bss`, `.uninit`, then
//! the stack from `_stack_start` (the end of RAM) down to `__sheap`.

use core::ptr::addr_of;

/// Written over the free stack at start; a word that no longer holds it was used.
const PAINT: u32 = 0xC0DE_CAFE;
/// Left unpainted below the stack pointer at painting time, for the painter's own calls.
const MARGIN: usize = 64;

extern "C" {
    static __sdata: u32;
    static __edata: u32;
    static __sbss: u32;
    static __ebss: u32;
    static __suninit: u32;
    static __euninit: u32;
    static __sheap: u32;
    static _stack_start: u32;
}

fn addr(sym: *const u32) -> usize {
    sym as usize
}

/// Static RAM, in bytes, by section.
#[derive(Clone, Copy, Debug)]
pub struct StaticRam {
    pub data: usize,
    pub bss: usize,
    pub uninit: usize,
    /// From the start of `.data` to the lowest address the stack may reach.
    pub total: usize,
    /// RAM left for the stack: `_stack_start - __sheap`.
    pub stack_room: usize,
}

pub fn static_ram() -> StaticRam {
    // Only the addresses of the linker's symbols are taken, never their contents.
    StaticRam {
        data: addr(addr_of!(__edata)) - addr(addr_of!(__sdata)),
        bss: addr(addr_of!(__ebss)) - addr(addr_of!(__sbss)),
        uninit: addr(addr_of!(__euninit)) - addr(addr_of!(__suninit)),
        total: addr(addr_of!(__sheap)) - addr(addr_of!(__sdata)),
        stack_room: addr(addr_of!(_stack_start)) - addr(addr_of!(__sheap)),
    }
}

fn stack_bottom() -> *mut u32 {
    addr_of!(__sheap) as *mut u32
}

fn stack_top() -> usize {
    addr(addr_of!(_stack_start))
}

/// Paints the free stack, from `__sheap` up to a little below the current
/// stack pointer. Call once, early in `main`.
#[inline(never)]
pub fn paint_stack() {
    let sp = cortex_m::register::msp::read() as usize;
    let mut p = stack_bottom();
    while (p as usize) + MARGIN < sp {
        // SAFETY: `__sheap .. sp - MARGIN` lies below every live stack frame
        // and above every static: no Rust object lives there.
        unsafe { p.write_volatile(PAINT) };
        p = p.wrapping_add(1);
    }
}

/// The deepest the stack has been since [`paint_stack`], in bytes below
/// `_stack_start`: the lowest word that no longer holds the paint.
pub fn stack_high_water() -> usize {
    let mut p = stack_bottom();
    // SAFETY: reads of the painted region, which is RAM between the statics
    // and the stack (the scan stops at the first word the stack has touched).
    while (p as usize) < stack_top() && unsafe { p.read_volatile() } == PAINT {
        p = p.wrapping_add(1);
    }
    stack_top() - p as usize
}

/// Measures how deep one call goes below the caller's stack frame: paints
/// the free stack, and after the call finds the lowest word touched.
#[derive(Debug)]
pub struct StackProbe {
    sp: usize,
}

impl StackProbe {
    #[inline(never)]
    pub fn start() -> Self {
        paint_stack();
        StackProbe {
            sp: cortex_m::register::msp::read() as usize,
        }
    }

    /// How deep the stack was where [`StackProbe::start`] was called.
    pub fn caller_depth(&self) -> usize {
        stack_top().saturating_sub(self.sp)
    }

    /// Bytes used below the stack pointer of [`StackProbe::start`] since then.
    pub fn depth(&self) -> usize {
        let deepest = stack_top() - stack_high_water();
        self.sp.saturating_sub(deepest)
    }
}
