import type { Messages } from './index.js';

/** Indonesian (Bahasa Indonesia), built in. */
export const id: Messages = {
  label: 'Hubungi kami',
  'action.cancel': 'Batalkan panggilan',
  'action.hangUp': 'Tutup telepon',
  'action.ending': 'Mengakhiri panggilan',
  'state.idle': '',
  'state.connecting': 'Menyambungkan…',
  'state.calling': 'Memanggil…',
  'state.ringing': 'Berdering…',
  'state.in-call': 'Tersambung',
  'state.ending': 'Mengakhiri panggilan…',
  'ended.local-hangup': 'Panggilan berakhir.',
  'ended.remote-hangup': 'Lawan bicara menutup telepon.',
  'ended.busy': 'Nomor sedang sibuk. Silakan coba lagi nanti.',
  'ended.declined': 'Panggilan ditolak.',
  'ended.not-found': 'Nomor tersebut tidak terdaftar.',
  'ended.unavailable': 'Saat ini tidak ada yang dapat menerima. Silakan coba lagi nanti.',
  'ended.no-answer': 'Tidak ada jawaban. Silakan coba lagi nanti.',
  'ended.cancelled': 'Panggilan dibatalkan.',
  'ended.service-unavailable': 'Layanan telepon sedang tidak tersedia. Silakan coba lagi nanti.',
  'ended.connection-lost': 'Koneksi terputus. Silakan hubungi kembali.',
  'ended.failed': 'Panggilan gagal. Silakan coba lagi.',
  'error.invalid-number': 'Tombol panggilan ini memiliki nomor yang tidak valid.',
  'error.invalid-config': 'Tombol panggilan ini belum diatur dengan benar.',
  'error.insecure-context': 'Panggilan memerlukan halaman yang aman (https).',
  'error.unsupported-browser':
    'Browser ini tidak dapat melakukan panggilan. Gunakan Chrome, Firefox, Safari, atau Edge versi terbaru.',
  'error.load-failed': 'Fitur panggilan tidak dapat dimuat. Muat ulang halaman lalu coba lagi.',
  'error.server-unreachable':
    'Tidak dapat menghubungi layanan panggilan. Periksa koneksi Anda lalu coba lagi.',
  'error.server-error': 'Layanan panggilan menolak panggilan. Silakan coba lagi nanti.',
  'error.mic-denied':
    'Akses mikrofon diblokir. Izinkan mikrofon untuk situs ini di browser Anda, lalu coba lagi.',
  'error.no-microphone': 'Mikrofon tidak ditemukan. Sambungkan mikrofon lalu coba lagi.',
  'error.mic-unavailable': 'Mikrofon Anda sedang dipakai aplikasi lain atau tidak berfungsi.',
  'error.failed': 'Panggilan tidak dapat dimulai. Silakan coba lagi.',
};
