import styles from './login/auth.module.css';

// Rendered with status 403 when requirePageUser finds the signed-in role too low.
export default function Forbidden() {
  return (
    <main className={styles.wrap}>
      <div className={styles.card}>
        <h1 className={styles.brand}>Not allowed</h1>
        <p className={styles.lead} data-testid="forbidden">
          Your role cannot open this page. Ask an errata admin if you need it.
        </p>
        <p>
          <a href="/">Back to errata</a>
        </p>
      </div>
    </main>
  );
}
