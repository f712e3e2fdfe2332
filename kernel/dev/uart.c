/*
 * uart.c: the driver for the 16550 UART that is the console's wire.
 *
 * Interface: uart_init() turns on the interrupts this driver uses (OpenSBI
 * has already set the baud rate and line format) and registers uart_intr
 * for the UART's interrupt line (kernel/dev/irq.h). uart_putc(c) queues a
 * character in a transmit ring and lets interrupts drain it, sleeping
 * while the ring is full; console_write uses it. uart_putc_sync(c) spins
 * until the transmitter takes the character: it needs no lock, no process
 * and no interrupts, so printf and panic can use it anywhere. uart_intr()
 * handles the UART's PLIC interrupt: it hands each received character to
 * console_intr and pushes out more of the transmit ring.
 *
 * Call chain: write() -> console_write -> uart_putc; printf ->
 * console_putc -> uart_putc_sync; trap handler -> irq_dispatch ->
 * uart_intr -> console_intr.
 *
 * Locks: uart_tx_lock guards the transmit ring and the IER register. The
 * receive side takes no lock: only uart_intr reads characters, and the
 * PLIC hands the UART's interrupt to one hart at a time.
 */
#include "kernel/dev/uart.h"
#include "kernel/dev/console.h"
#include "kernel/types.h"
#include "kernel/memlayout.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/sleep.h"
#include "kernel/dev/irq.h"

/*
 * Registers, as byte offsets from UART0 (16550 datasheet, register
 * table). The divisor-latch bit in LCR is clear (OpenSBI leaves it so),
 * which makes offsets 0 and 1 the data and interrupt-enable registers.
 */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LSR 5 /* line status */

#define IER_RX_READY (1 << 0) /* interrupt when received data is available */
#define IER_TX_EMPTY (1 << 1) /* interrupt when the transmit holding register empties */

#define FCR_FIFO_ENABLE (1 << 0)
#define FCR_RX_RESET    (1 << 1) /* discard whatever the receive FIFO holds */

#define LSR_RX_READY (1 << 0) /* a received character is waiting */
#define LSR_TX_EMPTY (1 << 5) /* THRE: the transmitter can take a character */

#define UART_TX_BUF_SIZE 64

static struct spinlock uart_tx_lock;
static char uart_tx_buf[UART_TX_BUF_SIZE]; /* [uart_tx_lock] */
/* Counters that only grow; the ring index is the counter mod the size. */
static uint64 uart_tx_head; /* [uart_tx_lock] characters ever queued */
static uint64 uart_tx_tail; /* [uart_tx_lock] characters ever sent */

static uint8 reg_read(int reg)
{
  return *(volatile uint8 *)P2V(UART0 + reg);
}

static void reg_write(int reg, uint8 val)
{
  *(volatile uint8 *)P2V(UART0 + reg) = val;
}

static void uart_intr(void);

void uart_init(void)
{
  spin_init(&uart_tx_lock, "uart_tx_lock");
  /*
   * Keep the FIFOs on and empty the receive side of anything typed before
   * we were ready. The transmit FIFO is left alone: it may still hold
   * the end of the boot messages.
   */
  reg_write(UART_FCR, FCR_FIFO_ENABLE | FCR_RX_RESET);
  /* Transmit interrupts are turned on only while the ring has data. */
  reg_write(UART_IER, IER_RX_READY);
  irq_register(UART0_IRQ, uart_intr);
}

/*
 * Move characters from the ring to the UART while it will take them.
 * Caller holds uart_tx_lock.
 *
 * One character per check of THRE: uart_putc_sync writes the same
 * register without this lock, and with THRE seen set the FIFO has room
 * for both of us.
 */
static void uart_start(void)
{
  ASSERT_HELD(&uart_tx_lock);
  int sent = 0;
  while (uart_tx_head != uart_tx_tail && (reg_read(UART_LSR) & LSR_TX_EMPTY)) {
    reg_write(UART_THR, uart_tx_buf[uart_tx_tail % UART_TX_BUF_SIZE]);
    uart_tx_tail++;
    sent = 1;
  }
  if (sent)
    proc_wakeup(&uart_tx_tail); /* uart_putc may wait for room */

  /*
   * Ask to be interrupted when the transmitter empties only while there is
   * more to send: the interrupt condition holds for as long as the
   * transmitter is empty, so leaving it enabled on an empty ring would
   * interrupt without end.
   */
  uint8 ier = IER_RX_READY;
  if (uart_tx_head != uart_tx_tail)
    ier |= IER_TX_EMPTY;
  reg_write(UART_IER, ier);
}

/*
 * Queue c for output, sleeping while the ring is full. Only a process may
 * call this (it can sleep); interrupt handlers use uart_putc_sync.
 */
void uart_putc(int c)
{
  spin_acquire(&uart_tx_lock);
  while (uart_tx_head - uart_tx_tail == UART_TX_BUF_SIZE)
    proc_sleep(&uart_tx_tail, &uart_tx_lock);
  uart_tx_buf[uart_tx_head % UART_TX_BUF_SIZE] = c;
  uart_tx_head++;
  uart_start();
  spin_release(&uart_tx_lock);
}

/* Write c as soon as the transmitter can take it. Safe in any context. */
void uart_putc_sync(int c)
{
  while (!(reg_read(UART_LSR) & LSR_TX_EMPTY))
    ;
  reg_write(UART_THR, c);
}

/* The UART's interrupt: input arrived, or the transmitter emptied. */
static void uart_intr(void)
{
  /* Reading RBR until LSR says it is empty also clears the receive interrupt. */
  while (reg_read(UART_LSR) & LSR_RX_READY)
    console_intr(reg_read(UART_RBR));

  spin_acquire(&uart_tx_lock);
  uart_start();
  spin_release(&uart_tx_lock);
}
