//! Mails (password resets): sent by SMTP when `SMTP_URL` is set, otherwise written as `.eml`
//! files in `MAIL_DIR`, so that a self-hosted Conum works without a mail server (an
//! administrator forwards the file, or opens it).

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, Message};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::server::Config;

pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Files {
        transport: AsyncFileTransport<Tokio1Executor>,
        from: Mailbox,
        dir: std::path::PathBuf,
    },
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse().map_err(|e| {
            anyhow::anyhow!("MAIL_FROM {:?} is not an address: {e}", config.mail_from)
        })?;
        Ok(match &config.smtp_url {
            Some(url) => Mailer::Smtp {
                transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
                    .build(),
                from,
            },
            None => {
                std::fs::create_dir_all(&config.mail_dir).map_err(|e| {
                    anyhow::anyhow!(
                        "cannot create the mail folder {}: {e}",
                        config.mail_dir.display()
                    )
                })?;
                Mailer::Files {
                    transport: AsyncFileTransport::new(&config.mail_dir),
                    from,
                    dir: config.mail_dir.clone(),
                }
            }
        })
    }

    /// Sends a plain-text mail to `to`.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Files { from, .. } => from.clone(),
        };
        let message = Message::builder()
            .from(from)
            .to(ascii_address(to)?.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            // Quoted-printable whatever the text: every mail server takes it, and the link
            // comes out whole in every mail reader.
            .body(
                Body::new_with_encoding(body, ContentTransferEncoding::QuotedPrintable)
                    .map_err(|_| anyhow::anyhow!("the mail's body cannot be encoded"))?,
            )?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
            }
            Mailer::Files { transport, .. } => {
                transport.send(message).await?;
            }
        }
        Ok(())
    }
}

impl Mailer {
    /// Deletes the mails written for `to` (an account deleted: its links and its name go
    /// with it). Sent mails are out of reach; only the folder's copies can go.
    pub async fn forget(&self, to: &str) {
        let Mailer::Files { dir, .. } = self else {
            return;
        };
        let Ok(address) = ascii_address(to) else {
            return;
        };
        let header = format!("To: {address}\r\n");
        let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
            return;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "eml") {
                continue;
            }
            let Ok(text) = tokio::fs::read_to_string(&path).await else {
                continue;
            };
            if text.contains(&header) {
                if let Err(error) = tokio::fs::remove_file(&path).await {
                    tracing::warn!(%error, "a deleted account's mail stays in the mail folder");
                }
            }
        }
    }
}

/// `to` with its domain in the ASCII form SMTP needs (`prenom@café.fr` →
/// `prenom@xn--caf-dma.fr`): lettre's own conversion has no Unicode tables in this build
/// (Cargo.toml, `idna_adapter`), and Conum takes the addresses people type.
fn ascii_address(to: &str) -> anyhow::Result<String> {
    let Some((local, domain)) = to.rsplit_once('@') else {
        return Ok(to.to_owned());
    };
    let domain = idna_uts46::domain_to_ascii(domain)
        .map_err(|e| anyhow::anyhow!("the domain of {to:?} is not a domain name: {e:?}"))?;
    Ok(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_domains_are_written_in_ascii() {
        assert_eq!(
            ascii_address("prenom.nom@café.fr").unwrap(),
            "prenom.nom@xn--caf-dma.fr"
        );
        assert_eq!(
            ascii_address("Prenom@Mairie-Évreux.FR").unwrap(),
            "Prenom@xn--mairie-vreux-heb.fr"
        );
        assert_eq!(ascii_address("a@exemple.fr").unwrap(), "a@exemple.fr");
    }

    #[tokio::test]
    async fn a_mail_to_an_international_domain_is_sent() {
        let dir = std::env::temp_dir().join(format!("conum-mail-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let mailer = Mailer::Files {
            transport: AsyncFileTransport::new(&dir),
            from: "Conum <conum@exemple.fr>".parse().unwrap(),
            dir: dir.clone(),
        };
        mailer
            .send("camille@café.fr", "Objet", "Texte".into())
            .await
            .unwrap();
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mail = std::fs::read_to_string(file).unwrap();
        assert!(mail.contains("To: camille@xn--caf-dma.fr"), "{mail}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
