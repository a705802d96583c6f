/**
 * A YouTube video that loads nothing from YouTube until the reader asks for it; then it plays
 * from the privacy-enhanced youtube-nocookie.com domain. A plain link sits beside it.
 */
import React, { useState, type ReactNode } from 'react';
import styles from './styles.module.css';

interface Props {
  /** The YouTube video id. */
  id: string;
  title: string;
}

export default function VideoEmbed({ id, title }: Props): ReactNode {
  const [playing, setPlaying] = useState(false);
  const watchUrl = `https://www.youtube.com/watch?v=${id}`;
  return (
    <figure className={styles.video}>
      <div className={styles.frame}>
        {playing ? (
          <iframe
            src={`https://www.youtube-nocookie.com/embed/${id}?autoplay=1&rel=0`}
            title={title}
            allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share"
            referrerPolicy="strict-origin-when-cross-origin"
            allowFullScreen
          />
        ) : (
          <button type="button" className={styles.poster} onClick={() => setPlaying(true)}>
            <span className={styles.play} aria-hidden="true" />
            <span className={styles.posterTitle}>Play video: {title}</span>
            <span className={styles.posterNote}>Loads the player from youtube-nocookie.com</span>
          </button>
        )}
      </div>
      <figcaption className={styles.caption}>
        {title}. Prefer YouTube itself? <a href={watchUrl}>Watch it on youtube.com</a>.
      </figcaption>
    </figure>
  );
}
